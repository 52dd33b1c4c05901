import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkHostKey,
  createHostVerifier,
  hostKeyAlgorithms,
  keygenRemoveCommand,
} from './host-key';
import { fingerprint } from './known-hosts';
import type { KnownHostsLookup } from './known-hosts';

/** A blob shaped like an ed25519 public key: SSH string type + 32 random bytes. */
function blob(type = 'ssh-ed25519'): Buffer {
  const name = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(name.length);
  return Buffer.concat([len, name, Buffer.from([0, 0, 0, 32]), randomBytes(32)]);
}
const target = { name: 'mac', hostname: 'mac.lan', port: 22 };
const key = (b: Buffer, source = '/k', line = 1) => ({
  keyType: 'ssh-ed25519',
  key: b.toString('base64'),
  source,
  line,
});
const dir = mkdtempSync(join(tmpdir(), 'rbees-host-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('host key policy', () => {
  const good = blob();
  const other = blob();

  it('accepts a known key and refuses a revoked one', () => {
    expect(checkHostKey(target, { keys: [key(good)], revoked: [] }, good)).toBeNull();
    const revoked = checkHostKey(target, { keys: [key(good)], revoked: [key(good)] }, good);
    expect(revoked?.code).toBe('SSH_HOSTKEY_MISMATCH');
    expect(revoked?.message).toMatch(/revoked/);
  });

  it('reports a changed key with the file and line to fix', () => {
    const err = checkHostKey(
      target,
      { keys: [key(good, '/r/known_hosts', 7)], revoked: [] },
      other,
    );
    expect(err?.code).toBe('SSH_HOSTKEY_MISMATCH');
    expect(err?.message).toContain(
      `mac: host key changed (${fingerprint(other)}) since it was trusted`,
    );
    expect(err?.message).toContain('/r/known_hosts (line 7)');
  });

  it('refuses an unknown host with the details a trust prompt needs', () => {
    const err = checkHostKey(target, { keys: [], revoked: [] }, good);
    expect(err?.code).toBe('SSH_HOSTKEY_UNKNOWN');
    expect(err?.details).toEqual({
      host: 'mac.lan',
      port: 22,
      fingerprint: fingerprint(good),
      key_type: 'ssh-ed25519',
    });
  });

  it('restricts host key algorithms to the known types', () => {
    const known: KnownHostsLookup = {
      keys: [key(good), { ...key(other), keyType: 'ssh-rsa' }],
      revoked: [],
    };
    expect(hostKeyAlgorithms(known)).toEqual([
      'ssh-ed25519',
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
    ]);
    expect(hostKeyAlgorithms({ keys: [], revoked: [] })).toBeUndefined();
  });

  it('trusts only the fingerprint the user confirmed', async () => {
    const files = { knownHostsFiles: [], rbeesKnownHosts: join(dir, 'known_hosts') };
    const unknown = { keys: [], revoked: [] };
    const wrong = createHostVerifier(target, unknown, files, fingerprint(other));
    const refused = await new Promise<boolean>((r) => wrong.verify(good, r));
    expect(refused).toBe(false);
    expect(wrong.rejection?.code).toBe('SSH_HOSTKEY_UNKNOWN');
    expect(existsSync(files.rbeesKnownHosts)).toBe(false);

    const right = createHostVerifier(target, unknown, files, fingerprint(good));
    expect(await new Promise<boolean>((r) => right.verify(good, r))).toBe(true);
    expect(readFileSync(files.rbeesKnownHosts, 'utf8')).toBe(
      `mac.lan ssh-ed25519 ${good.toString('base64')}\n`,
    );

    // Trust never overrides a key that changed.
    const changed = createHostVerifier(
      target,
      { keys: [key(good)], revoked: [] },
      files,
      fingerprint(other),
    );
    expect(await new Promise<boolean>((r) => changed.verify(other, r))).toBe(false);
    expect(changed.rejection?.code).toBe('SSH_HOSTKEY_MISMATCH');
  });
});

describe('a changed key, for the dialog', () => {
  const old = blob();
  const presented = blob();
  const rbeesFile = join(dir, 'rbees_known_hosts');
  const userFile = join(homedir(), '.ssh', 'known_hosts');

  it('names the expected and presented fingerprints, and may be replaced in rbees’ file', () => {
    const err = checkHostKey(
      { name: 'gpu', hostname: '10.0.0.2', port: 2222 },
      { keys: [key(old, rbeesFile, 4)], revoked: [] },
      presented,
      rbeesFile,
    );
    expect(err?.code).toBe('SSH_HOSTKEY_MISMATCH');
    expect(err?.details).toMatchObject({
      host: '10.0.0.2',
      port: 2222,
      fingerprint: fingerprint(presented),
      key_type: 'ssh-ed25519',
      known: [{ fingerprint: fingerprint(old), key_type: 'ssh-ed25519', line: 4 }],
      replaceable: true,
      remove_command: null,
      known_in: rbeesFile,
      line: 4,
    });
  });

  it('in the user’s known_hosts: not replaceable, with the ssh-keygen -R to run', () => {
    const err = checkHostKey(
      { name: 'gpu', hostname: '10.0.0.2', port: 2222 },
      { keys: [key(old, userFile, 9)], revoked: [] },
      presented,
      rbeesFile,
    );
    expect(err?.details).toMatchObject({
      replaceable: false,
      remove_command: "ssh-keygen -R '[10.0.0.2]:2222'",
      known: [{ file: '~/.ssh/known_hosts', line: 9 }],
    });
  });

  it('writes ssh-keygen -R with the [host]:port form and -f for other files', () => {
    expect(keygenRemoveCommand('mac.lan', 22, userFile)).toBe('ssh-keygen -R mac.lan');
    expect(keygenRemoveCommand('Mac.lan', 2222, userFile)).toBe("ssh-keygen -R '[mac.lan]:2222'");
    expect(keygenRemoveCommand('mac.lan', 22, '/etc/ssh/other hosts')).toBe(
      "ssh-keygen -R mac.lan -f '/etc/ssh/other hosts'",
    );
  });
});
