import { createHash, createHmac } from 'node:crypto';
import { appendFile, chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hostToken, matchPatternList } from './host-pattern';

/** One key line of a known_hosts file. `@cert-authority` lines are dropped while parsing. */
export interface KnownHostsEntry {
  revoked: boolean;
  hosts: { kind: 'patterns'; patterns: string[] } | { kind: 'hashed'; salt: Buffer; hash: Buffer };
  keyType: string;
  /** The key blob, base64, as in the file. */
  key: string;
  /** Where it came from, so an error can tell which line to remove. */
  source: string;
  line: number;
}

/** A key known for a host, with where it is written. */
export interface KnownKey {
  keyType: string;
  key: string;
  source: string;
  line: number;
}

/** What the known_hosts files say about one host. */
export interface KnownHostsLookup {
  keys: KnownKey[];
  revoked: KnownKey[];
}

function parseHosts(field: string): KnownHostsEntry['hosts'] | null {
  if (field.startsWith('|1|')) {
    const [salt, hash] = field.slice(3).split('|');
    if (!salt || !hash) return null;
    return { kind: 'hashed', salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
  }
  return { kind: 'patterns', patterns: field.split(',').filter(Boolean) };
}

/** Parses a known_hosts file; malformed lines are skipped, as OpenSSH skips them. */
export function parseKnownHosts(text: string, source = 'known_hosts'): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (!fields[0] || fields[0].startsWith('#')) return;
    let revoked = false;
    if (fields[0].startsWith('@')) {
      const marker = fields.shift();
      // CA keys sign host certificates; rbees verifies plain host keys only.
      if (marker !== '@revoked') return;
      revoked = true;
    }
    const [hostField, keyType, key] = fields;
    if (!hostField || !keyType || !key) return;
    const hosts = parseHosts(hostField);
    if (hosts) entries.push({ revoked, hosts, keyType, key, source, line: index + 1 });
  });
  return entries;
}

/** Whether an entry names this host (OpenSSH looks up `[host]:port` for non-default ports). */
export function entryMatches(entry: KnownHostsEntry, host: string, port: number): boolean {
  const name = hostToken(host, port);
  if (entry.hosts.kind === 'patterns') return matchPatternList(entry.hosts.patterns, name);
  const hmac = createHmac('sha1', entry.hosts.salt).update(name).digest();
  return hmac.equals(entry.hosts.hash);
}

export function lookupKnownHosts(
  entries: readonly KnownHostsEntry[],
  host: string,
  port: number,
): KnownHostsLookup {
  const result: KnownHostsLookup = { keys: [], revoked: [] };
  for (const e of entries) {
    if (!entryMatches(e, host, port)) continue;
    const key = { keyType: e.keyType, key: e.key, source: e.source, line: e.line };
    (e.revoked ? result.revoked : result.keys).push(key);
  }
  return result;
}

/** Reads and parses the files in order; a missing file is an empty one. */
export async function readKnownHosts(files: readonly string[]): Promise<KnownHostsEntry[]> {
  const entries: KnownHostsEntry[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    entries.push(...parseKnownHosts(text, file));
  }
  return entries;
}

/** `SHA256:` + unpadded base64 of the blob's sha256, exactly as `ssh-keygen -lf` prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type a public key blob starts with (an SSH string), e.g. `ssh-ed25519`. */
export function blobKeyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return len > 0 && len < 64 && blob.length >= 4 + len
    ? blob.toString('ascii', 4, 4 + len)
    : 'unknown';
}

/**
 * Appends `host type base64` (or `[host]:port …`) to rbees' own known_hosts, created 0600 with a
 * 0700 directory: plain names, so a person can read and edit it.
 */
export async function appendKnownHost(
  file: string,
  host: string,
  port: number,
  blob: Buffer,
): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  let prefix = '';
  try {
    const existing = await readFile(file, 'utf8');
    if (existing.length > 0 && !existing.endsWith('\n')) prefix = '\n';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const line = `${hostToken(host, port)} ${blobKeyType(blob)} ${blob.toString('base64')}\n`;
  await appendFile(file, prefix + line, { mode: 0o600 });
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
}
