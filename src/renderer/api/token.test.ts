import { describe, expect, it } from 'vitest';
import { hashWithoutToken, parseBridgeConnection, resolveToken, tokenFromHash } from './token';

describe('tokenFromHash', () => {
  it('reads the token the daemon prints in the fragment', () => {
    expect(tokenFromHash('#token=abc_DEF-123')).toBe('abc_DEF-123');
  });

  it('finds the token among other parameters and decodes it', () => {
    expect(tokenFromHash('#view=chat&token=a%2Bb')).toBe('a+b');
  });

  it('keeps a literal plus sign (URLSearchParams would make it a space)', () => {
    expect(tokenFromHash('#token=a+b')).toBe('a+b');
  });

  it('has no token for an empty, blank or unrelated fragment', () => {
    expect(tokenFromHash('')).toBeUndefined();
    expect(tokenFromHash('#')).toBeUndefined();
    expect(tokenFromHash('#token=')).toBeUndefined();
    expect(tokenFromHash('#token=%20')).toBeUndefined();
    expect(tokenFromHash('#tokens=abc')).toBeUndefined();
  });

  it('does not throw on a malformed escape', () => {
    expect(tokenFromHash('#token=%E0%A4%A')).toBe('%E0%A4%A');
  });
});

describe('hashWithoutToken', () => {
  it('removes the token and keeps the rest', () => {
    expect(hashWithoutToken('#token=abc')).toBe('');
    expect(hashWithoutToken('#view=chat&token=abc')).toBe('#view=chat');
    expect(hashWithoutToken('#token=abc&view=chat&x=1')).toBe('#view=chat&x=1');
    expect(hashWithoutToken('')).toBe('');
  });
});

describe('resolveToken', () => {
  it('prefers the Electron preload, then the fragment, then this tab’s storage', () => {
    expect(resolveToken({ bridgeToken: 'b', hash: '#token=f', stored: 's' })).toEqual({
      token: 'b',
      source: 'bridge',
    });
    expect(resolveToken({ bridgeToken: undefined, hash: '#token=f', stored: 's' })).toEqual({
      token: 'f',
      source: 'fragment',
    });
    expect(resolveToken({ bridgeToken: '', hash: '', stored: 's' })).toEqual({
      token: 's',
      source: 'session',
    });
    expect(resolveToken({ bridgeToken: undefined, hash: '', stored: null })).toEqual({
      token: undefined,
      source: 'none',
    });
  });
});

describe('parseBridgeConnection', () => {
  it('takes the preload’s answer only when it has an http(s) API base and a token', () => {
    const good = { apiBase: 'http://127.0.0.1:8080', token: 't' };
    expect(parseBridgeConnection(good)).toEqual(good);
    expect(parseBridgeConnection({ ...good, extra: 1 })).toEqual(good);
    expect(parseBridgeConnection({ ...good, token: '' })).toBeUndefined();
    expect(parseBridgeConnection({ ...good, apiBase: 'file:///x' })).toBeUndefined();
    expect(parseBridgeConnection({ apiBase: good.apiBase })).toBeUndefined();
    expect(parseBridgeConnection(null)).toBeUndefined();
    expect(parseBridgeConnection('t')).toBeUndefined();
  });
});
