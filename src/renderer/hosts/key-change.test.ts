import { describe, expect, it } from 'vitest';
import { keyChangeRequest } from './key-change';

const known = [
  { fingerprint: 'SHA256:old', key_type: 'ssh-ed25519', file: '~/.rbees/known_hosts', line: 3 },
];

describe('keyChangeRequest', () => {
  it('reads a changed key, naming the address as known_hosts does', () => {
    const request = keyChangeRequest('gpu', {
      code: 'SSH_HOSTKEY_MISMATCH',
      details: {
        host: '10.0.0.2',
        port: 2222,
        fingerprint: 'SHA256:new',
        key_type: 'ssh-ed25519',
        known,
        replaceable: true,
        remove_command: null,
      },
    });
    expect(request).toEqual({
      host: 'gpu',
      address: '[10.0.0.2]:2222',
      presented: 'SHA256:new',
      keyType: 'ssh-ed25519',
      known,
      replaceable: true,
      removeCommand: null,
    });
  });

  it('is null for other codes, a revoked key, or no presented key', () => {
    const details = { host: 'h', port: 22, fingerprint: 'SHA256:new', known };
    expect(keyChangeRequest('h', { code: 'SSH_HOSTKEY_UNKNOWN', details })).toBeNull();
    expect(
      keyChangeRequest('h', {
        code: 'SSH_HOSTKEY_MISMATCH',
        details: { ...details, revoked: true },
      }),
    ).toBeNull();
    expect(
      keyChangeRequest('h', {
        code: 'SSH_HOSTKEY_MISMATCH',
        details: { host: 'h', port: 22, cause: 'no matching host key format' },
      }),
    ).toBeNull();
    expect(keyChangeRequest('h', { code: 'SSH_HOSTKEY_MISMATCH', details })?.address).toBe('h');
  });
});
