import { describe, expect, it } from 'vitest';
import {
  bearerMatches,
  hostName,
  isLoopbackHost,
  newWorkerSecret,
  workerSecretProblem,
} from './worker-auth';

describe('worker secrets', () => {
  it('makes 43 base64url characters, a new one each time', () => {
    const secrets = new Set(Array.from({ length: 100 }, newWorkerSecret));
    expect(secrets.size).toBe(100);
    for (const secret of secrets) {
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(workerSecretProblem(secret)).toBeUndefined();
    }
  });

  it('refuses none, a short one and one that cannot travel in a header', () => {
    expect(workerSecretProblem(undefined)).toMatch(/RBEES_WORKER_SECRET is not set/);
    expect(workerSecretProblem('')).toMatch(/is not set/);
    expect(workerSecretProblem('x'.repeat(31))).toMatch(/at least 32 printable characters/);
    expect(workerSecretProblem(`${'x'.repeat(32)} y`)).toMatch(/without spaces/);
    expect(workerSecretProblem(`${'x'.repeat(32)}é`)).toMatch(/printable/);
  });

  it('matches exactly the bearer token, any case of the scheme', () => {
    const secret = newWorkerSecret();
    expect(bearerMatches(secret, `Bearer ${secret}`)).toBe(true);
    expect(bearerMatches(secret, `bearer  ${secret}`)).toBe(true);
    expect(bearerMatches(secret, `Bearer ${secret}x`)).toBe(false);
    expect(bearerMatches(secret, `Bearer ${secret.slice(1)}`)).toBe(false);
    expect(bearerMatches(secret, `Bearer ${secret.slice(0, -1)}?`)).toBe(false);
    expect(bearerMatches(secret, secret)).toBe(false);
    expect(bearerMatches(secret, `Basic ${secret}`)).toBe(false);
    expect(bearerMatches(secret, undefined)).toBe(false);
    expect(bearerMatches('', 'Bearer ')).toBe(false);
    expect(bearerMatches('', undefined)).toBe(false);
  });
});

describe('the Host check', () => {
  it('reads the name of a Host header, with or without a port', () => {
    expect(hostName('127.0.0.1:8080')).toBe('127.0.0.1');
    expect(hostName('LocalHost')).toBe('localhost');
    expect(hostName('[::1]:9')).toBe('[::1]');
    expect(hostName('[::1]')).toBe('[::1]');
    expect(hostName('a:b:c')).toBeUndefined();
    expect(hostName('localhost:port')).toBeUndefined();
    expect(hostName('')).toBeUndefined();
    expect(hostName(undefined)).toBeUndefined();
  });

  it('lets in only loopback names, on any port', () => {
    for (const host of ['127.0.0.1', '127.0.0.1:1', 'localhost:65535', '[::1]:8080', 'LOCALHOST']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of [
      'evil.example:8080',
      'localhost.evil.example',
      '127.0.0.1.nip.io:80',
      'localhost.',
      '127.0.0.2',
      '[::2]:80',
      '0.0.0.0:80',
      '',
      undefined,
    ]) {
      expect(isLoopbackHost(host), String(host)).toBe(false);
    }
  });
});
