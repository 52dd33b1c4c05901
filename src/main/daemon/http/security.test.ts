import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { HTTP_STATUS, RbeesError } from '../../../shared/errors';
import {
  allowedHosts,
  CSP,
  installSecurity,
  publicRoutes,
  requestHasToken,
  tokenMatches,
} from './security';

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

  it('takes the token as x-api-key too, as Anthropic clients send it', () => {
    const t = 's3cret-token';
    expect(requestHasToken(t, { 'x-api-key': t })).toBe(true);
    expect(requestHasToken(t, { 'x-api-key': 'wrong', authorization: `Bearer ${t}` })).toBe(true);
    expect(requestHasToken(t, { 'x-api-key': `${t} x` })).toBe(false);
    expect(requestHasToken(t, { 'x-api-key': '' })).toBe(false);
    expect(requestHasToken(t, { 'x-api-key': 's3cret' })).toBe(false);
    expect(requestHasToken(t, {})).toBe(false);
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

  it('guards a route by where it was registered: any route but a public one needs the token', async () => {
    const app = Fastify();
    app.setErrorHandler((err, _request, reply) => {
      const code = err instanceof RbeesError ? err.code : 'INTERNAL';
      return reply.code(HTTP_STATUS[code]).send({ code });
    });
    installSecurity(app, { token: 'tok', hosts: () => new Set(['localhost:80']) });
    publicRoutes(app, (open) => {
      open.get('/open', async () => 'open');
    });
    app.get('/root', async () => 'root');
    // Added by some later plugin, with no thought of security: still behind the token.
    void app.register(async (later) => {
      later.post('/later/:id', async () => 'later');
    });
    await app.ready();
    const ask = (method: 'GET' | 'POST', url: string, authorization?: string) =>
      app.inject({
        method,
        url,
        headers: { host: 'localhost:80', ...(authorization ? { authorization } : {}) },
      });
    expect((await ask('GET', '/open')).statusCode).toBe(200);
    expect((await ask('GET', '/%6fpen')).statusCode).toBe(200);
    expect((await ask('GET', '/root')).statusCode).toBe(401);
    expect((await ask('GET', '/%72oot')).statusCode).toBe(401);
    expect((await ask('POST', '/later/1')).statusCode).toBe(401);
    expect((await ask('POST', '/l%61ter/1')).statusCode).toBe(401);
    expect((await ask('GET', '/nowhere')).statusCode).toBe(401);
    expect((await ask('GET', '/root', 'Bearer tok')).statusCode).toBe(200);
    expect((await ask('POST', '/later/1', 'Bearer tok')).statusCode).toBe(200);
    expect((await ask('GET', '/nowhere', 'Bearer tok')).statusCode).toBe(404);
    const foreign = await app.inject({ url: '/open', headers: { host: 'evil.example' } });
    expect(foreign.statusCode).toBe(403);
    await app.close();
  });
});
