/**
 * Replacing a changed host key, for a person who checked that the change is theirs (a reinstall,
 * new keys): only in rbees' own known_hosts, and only by the exact key they confirmed.
 */
import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';
import { RbeesError } from '../../shared/errors';
import { keyChange, loadHostKeys } from './host-key';
import type { HostKeyTarget, KnownHostsFiles } from './host-key';
import { entryMatches, parseKnownHosts } from './known-hosts';

/**
 * Rewrites `file` without the (non-revoked) key lines for this host; returns the lines removed.
 * Through a temp file and a rename, so a crash leaves the old file or the new one, never half.
 */
export async function removeKnownHostLines(
  file: string,
  hostname: string,
  port: number,
): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const drop = new Set(
    parseKnownHosts(text, file)
      .filter((e) => !e.revoked && entryMatches(e, hostname, port))
      .map((e) => e.line),
  );
  if (drop.size === 0) return [];
  const lines = text.split('\n');
  const kept = lines.filter((_, i) => !drop.has(i + 1));
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, kept.join('\n'), { mode: 0o600 });
  await rename(temp, file);
  return lines.filter((_, i) => drop.has(i + 1));
}

/** Puts removed lines back (after a refused replacement): the old key stays the known one. */
export async function restoreKnownHostLines(file: string, lines: readonly string[]): Promise<void> {
  if (lines.length === 0) return;
  const text = await readFile(file, 'utf8').catch(() => '');
  const prefix = text.length > 0 && !text.endsWith('\n') ? '\n' : '';
  await appendFile(file, `${prefix}${lines.join('\n')}\n`, { mode: 0o600 });
}

/**
 * Removes the host's old keys from rbees' known_hosts and connects trusting only `confirmed`
 * (`trust` is the session's: it saves the key only if the host presents exactly that
 * fingerprint). A refusal or failure puts the old keys back. Old keys in another file (the
 * user's ~/.ssh/known_hosts) are never touched: SSH_HOSTKEY_MISMATCH names the command to run.
 */
export async function replaceHostKey(
  target: HostKeyTarget,
  files: KnownHostsFiles,
  confirmed: string,
  trust: (fingerprint: string) => Promise<void>,
): Promise<void> {
  const known = await loadHostKeys(target, files);
  const foreign = known.keys.filter((k) => k.source !== files.rbeesKnownHosts);
  if (foreign.length > 0) {
    const { remove_command: command } = keyChange(
      target,
      known.keys,
      Buffer.alloc(0),
      files.rbeesKnownHosts,
    );
    throw new RbeesError(
      'SSH_HOSTKEY_MISMATCH',
      `${target.name}: the old key is in ${[...new Set(foreign.map((k) => k.source))].join(', ')}, ` +
        `which rbees does not edit — check the new key, then run \`${command ?? ''}\` and connect again`,
      { host: target.hostname, port: target.port, remove_command: command, replaceable: false },
    );
  }
  const removed = await removeKnownHostLines(files.rbeesKnownHosts, target.hostname, target.port);
  try {
    await trust(confirmed);
  } catch (err) {
    await restoreKnownHostLines(files.rbeesKnownHosts, removed);
    const details = err instanceof RbeesError ? (err.details ?? {}) : {};
    if (err instanceof RbeesError && details.confirmed_fingerprint !== undefined) {
      throw new RbeesError(
        'SSH_HOSTKEY_MISMATCH',
        `${target.name}: the host now presents ${String(details.fingerprint)}, not the ` +
          `${confirmed} you confirmed; nothing was replaced and the old key is kept. Check the ` +
          'key on the host again.',
        { ...details, replaceable: true },
      );
    }
    throw err;
  }
}
