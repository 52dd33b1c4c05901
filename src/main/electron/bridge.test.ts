import { describe, expect, it } from 'vitest';
import { isTrustedSender, type SenderFacts } from './bridge';

const API = 'http://127.0.0.1:8080';
const page = (url: string | undefined, more: Partial<SenderFacts> = {}): SenderFacts => ({
  url,
  topFrame: true,
  ownWindow: true,
  ...more,
});

describe('who gets the token over IPC', () => {
  it('is our window’s top frame on the daemon’s own origin', () => {
    expect(isTrustedSender(page('http://127.0.0.1:8080/'), API)).toBe(true);
    expect(isTrustedSender(page('http://127.0.0.1:8080/#chat?x=1'), API)).toBe(true);
  });

  it('is not a subframe, another window, or a frame that is gone', () => {
    expect(isTrustedSender(page(`${API}/`, { topFrame: false }), API)).toBe(false);
    expect(isTrustedSender(page(`${API}/`, { ownWindow: false }), API)).toBe(false);
    expect(isTrustedSender(page(undefined), API)).toBe(false);
  });

  it('is not another origin, a file:// page or a lookalike host', () => {
    for (const url of [
      'https://evil.example/',
      'http://127.0.0.1:8081/',
      'https://127.0.0.1:8080/',
      'http://localhost:8080/',
      'file:///home/me/page.html',
      'about:blank',
      'data:text/html,<p>hi',
      'http://127.0.0.1.evil.example:8080/',
      'http://127.0.0.1:8080@evil.example/',
      'http://evil.example/?http://127.0.0.1:8080',
      'http://evil.example/#http://127.0.0.1:8080/',
      'not a url',
      '',
    ]) {
      expect(isTrustedSender(page(url), API), url).toBe(false);
    }
  });
});
