import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  appendKnownHost,
  blobKeyType,
  fingerprint,
  lookupKnownHosts,
  parseKnownHosts,
  readKnownHosts,
} from './known-hosts';

const dir = mkdtempSync(join(tmpdir(), 'rbees-known-hosts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keyPair(name: string): { pub: string; type: string; b64: string; blob: Buffer } {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path]);
  const pub = readFileSync(`${path}.pub`, 'utf8').trim();
  const [type = '', b64 = ''] = pub.split(' ');
  return { pub: `${path}.pub`, type, b64, blob: Buffer.from(b64, 'base64') };
}
const a = keyPair('a');
const b = keyPair('b');
const c = keyPair('c');

describe('known_hosts', () => {
  const text = [
    '# comment line',
    '',
    `mac,10.0.0.5 ${a.type} ${a.b64} a comment`,
    `[gpu1]:2222 ${b.type} ${b.b64}`,
    `*.lab,!bad.lab ${c.type} ${c.b64}`,
    `@revoked * ${c.type} ${c.b64}`,
    `@cert-authority *.lab ${a.type} ${b.b64}`,
    'garbage-line-without-key',
  ].join('\n');
  const entries = parseKnownHosts(text, 'test');

  it('parses plain and comma patterns, ignoring comments, cert-authority and junk', () => {
    expect(entries).toHaveLength(4);
    expect(lookupKnownHosts(entries, 'mac', 22).keys.map((k) => k.key)).toEqual([a.b64]);
    expect(lookupKnownHosts(entries, '10.0.0.5', 22).keys.map((k) => k.line)).toEqual([3]);
    expect(lookupKnownHosts(entries, 'MAC', 22).keys).toHaveLength(1);
    expect(lookupKnownHosts(entries, 'mac2', 22).keys).toHaveLength(0);
  });

  it('matches [host]:port only on that port', () => {
    expect(lookupKnownHosts(entries, 'gpu1', 2222).keys.map((k) => k.key)).toEqual([b.b64]);
    expect(lookupKnownHosts(entries, 'gpu1', 22).keys).toHaveLength(0);
    expect(lookupKnownHosts(entries, 'mac', 2222).keys).toHaveLength(0);
  });

  it('handles wildcards, negation and @revoked', () => {
    const box = lookupKnownHosts(entries, 'box.lab', 22);
    expect(box.keys.map((k) => k.key)).toEqual([c.b64]);
    expect(box.revoked.map((k) => k.key)).toEqual([c.b64]);
    expect(lookupKnownHosts(entries, 'bad.lab', 22).keys).toHaveLength(0);
    // The cert-authority line never becomes a host key.
    expect(lookupKnownHosts(entries, 'box.lab', 22).keys.some((k) => k.key === b.b64)).toBe(false);
  });

  it('matches entries hashed by ssh-keygen -H, including [host]:port', async () => {
    const file = join(dir, 'hashed');
    writeFileSync(file, `mac ${a.type} ${a.b64}\n[gpu1]:2222 ${b.type} ${b.b64}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const hashed = readFileSync(file, 'utf8');
    expect(hashed).toMatch(/^\|1\|/);
    expect(hashed).not.toContain('mac');
    const parsed = await readKnownHosts([file, join(dir, 'missing')]);
    expect(lookupKnownHosts(parsed, 'mac', 22).keys.map((k) => k.key)).toEqual([a.b64]);
    expect(lookupKnownHosts(parsed, 'gpu1', 2222).keys.map((k) => k.key)).toEqual([b.b64]);
    expect(lookupKnownHosts(parsed, 'gpu1', 22).keys).toHaveLength(0);
    expect(lookupKnownHosts(parsed, 'other', 22).keys).toHaveLength(0);
  });

  it('fingerprints exactly like ssh-keygen -lf', () => {
    for (const k of [a, b, c]) {
      const out = execFileSync('ssh-keygen', ['-lf', k.pub], { encoding: 'utf8' });
      expect(fingerprint(k.blob)).toBe(out.split(' ')[1]);
    }
    expect(blobKeyType(a.blob)).toBe('ssh-ed25519');
  });

  it('appends plain lines to a 0600 file that OpenSSH can read', async () => {
    const file = join(dir, 'rbees', 'known_hosts');
    await appendKnownHost(file, 'Mac', 22, a.blob);
    await appendKnownHost(file, 'gpu1', 2222, b.blob);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(
      `mac ${a.type} ${a.b64}\n[gpu1]:2222 ${b.type} ${b.b64}\n`,
    );
    const found = execFileSync('ssh-keygen', ['-F', '[gpu1]:2222', '-f', file], {
      encoding: 'utf8',
    });
    expect(found).toContain(b.b64);
  });
});
