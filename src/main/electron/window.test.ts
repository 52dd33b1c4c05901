import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl, isOwnPage, windowOptions } from './window';

describe('the desktop window', () => {
  const options = windowOptions('/app/preload.cjs');

  it('is locked down per the Electron security checklist', () => {
    expect(options.webPreferences).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
    });
  });

  it('puts nothing on the renderer’s command line, where every local user can read it', () => {
    expect(options.webPreferences?.additionalArguments).toBeUndefined();
    expect(JSON.stringify(options)).not.toMatch(/token|rbees-api|--/i);
  });

  it('opens only allow-listed https links outside, and stays on its own pages', () => {
    expect(isAllowedExternalUrl('https://huggingface.co/TheBloke')).toBe(true);
    expect(isAllowedExternalUrl('http://huggingface.co/')).toBe(false);
    expect(isAllowedExternalUrl('https://evil.example/')).toBe(false);
    expect(isAllowedExternalUrl('https://user@github.com/')).toBe(false);
    expect(isAllowedExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isAllowedExternalUrl('not a url')).toBe(false);
    expect(isOwnPage('http://127.0.0.1:8080/#chat', 'http://127.0.0.1:8080')).toBe(true);
    expect(isOwnPage('http://127.0.0.1:8081/', 'http://127.0.0.1:8080')).toBe(false);
    expect(isOwnPage('https://evil.example/', 'http://127.0.0.1:8080')).toBe(false);
  });
});
