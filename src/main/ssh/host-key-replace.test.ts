import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RbeesError } from '../../shared/errors';
import { removeKnownHostLines, replaceHostKey } from './host-key-replace';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rbees-replace-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const OLD =
  '[10.0.0.2]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOLDOLDOLDOLDOLDOLDOLDOLDOLDOLDOLDOLDOLDOLD';
const OTHER =
  'other.lan ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOTHEROTHEROTHEROTHEROTHEROTHEROTHEROTHER';
const target = { name: 'gpu', hostname: '10.0.0.2', port: 2222 };

describe('replacing a changed key', () => {
  it('removes only the host’s lines, keeping the others and 0600', async () => {
    const file = join(dir, 'a');
    await writeFile(file, `${OTHER}\n${OLD}\n# note\n`);
    expect(await removeKnownHostLines(file, '10.0.0.2', 2222)).toEqual([OLD]);
    expect(await readFile(file, 'utf8')).toBe(`${OTHER}\n# note\n`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await removeKnownHostLines(file, '10.0.0.2', 2222)).toEqual([]);
  });

  it('puts the old key back when the host does not present the confirmed one', async () => {
    const file = join(dir, 'b');
    await writeFile(file, `${OLD}\n${OTHER}\n`);
    const files = { knownHostsFiles: [], rbeesKnownHosts: file };
    let seen = '';
    const refused = replaceHostKey(target, files, 'SHA256:confirmed', async (fp) => {
      seen = await readFile(file, 'utf8');
      throw new RbeesError('SSH_HOSTKEY_UNKNOWN', 'presented another', {
        fingerprint: 'SHA256:other',
        confirmed_fingerprint: fp,
      });
    });
    await expect(refused).rejects.toMatchObject({ code: 'SSH_HOSTKEY_MISMATCH' });
    await expect(refused).rejects.toThrow('nothing was replaced and the old key is kept');
    expect(seen).toBe(`${OTHER}\n`); // the trust attempt ran without the old key
    expect((await readFile(file, 'utf8')).split('\n').sort()).toEqual(['', OLD, OTHER].sort());
  });

  it('never edits the user’s file: names the command instead', async () => {
    const user = join(dir, 'user_known_hosts');
    const file = join(dir, 'c');
    await writeFile(user, `${OLD}\n`);
    await writeFile(file, '');
    let called = false;
    const refused = replaceHostKey(
      target,
      { knownHostsFiles: [user], rbeesKnownHosts: file },
      'SHA256:x',
      async () => {
        called = true;
      },
    );
    await expect(refused).rejects.toMatchObject({
      code: 'SSH_HOSTKEY_MISMATCH',
      details: { remove_command: `ssh-keygen -R '[10.0.0.2]:2222' -f ${user}`, replaceable: false },
    });
    expect(called).toBe(false);
    expect(await readFile(user, 'utf8')).toBe(`${OLD}\n`);
  });
});
