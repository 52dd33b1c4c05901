import { describe, expect, it } from 'vitest';
import { allowedHosts, CSP, tokenMatches } from './security';

describe('API security', () => {
  it('accepts only the exact bearer token', () => {
    expect(tokenMatches('s3cret-token', 'Bearer s3cret-token')).toBe(true);
    expect(tokenMatches('s3cret-token', 'bearer s3cret-token')).toBe(true);
    expect(tokenMatches('s3cret-token', 'Bearer s3cret-token2')).toBe(false);
    expect(tokenMatches('s3cret-token', 'Bearer s3cret')).toBe(false);
    expect(tokenMatches('s3cret-token', 's3cret-token')).toBe(false);
    expect(tokenMatches('s3cret-token', undefined)).toBe(false);
    expect(tokenMatches('s3cret-token', 'Bearer ')).toBe(false);
  });

  it('allows loopback names and the bound address, with and without the port', () => {
    const hosts = allowedHosts('127.0.0.1', 8080);
    for (const ok of ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080', 'localhost']) {
      expect(hosts.has(ok)).toBe(true);
    }
    for (const bad of ['evil.example', 'evil.example:8080', '127.0.0.1.nip.io:8080', '']) {
      expect(hosts.has(bad)).toBe(false);
    }
    expect(allowedHosts('192.168.1.5', 9000).has('192.168.1.5:9000')).toBe(true);
  });

  it('sends a CSP without inline scripts or remote origins', () => {
    expect(CSP).toContain("script-src 'self'");
    expect(CSP).toContain("frame-ancestors 'none'");
    expect(CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
  });
});
