import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ServerHostKeyAlgorithm } from 'ssh2';
import { RbeesError } from '../../shared/errors';
import type { HostKeyChange, KnownHostKey } from '../../shared/hosts';
import { hostToken } from './host-pattern';
import {
  appendKnownHost,
  blobKeyType,
  fingerprint,
  lookupKnownHosts,
  readKnownHosts,
} from './known-hosts';
import type { KnownHostsLookup, KnownKey } from './known-hosts';
import { shellQuote } from './shell-quote';

/** Which host a key is checked for: `name` is what the user calls it, for messages. */
export interface HostKeyTarget {
  name: string;
  hostname: string;
  port: number;
}

/** Where known keys live: the user's OpenSSH files (read only) and rbees' own (appended to). */
export interface KnownHostsFiles {
  knownHostsFiles: readonly string[];
  rbeesKnownHosts: string;
}

export function tilde(path: string): string {
  const home = homedir();
  return path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

export async function loadHostKeys(
  target: HostKeyTarget,
  files: KnownHostsFiles,
): Promise<KnownHostsLookup> {
  const entries = await readKnownHosts([...files.knownHostsFiles, files.rbeesKnownHosts]);
  return lookupKnownHosts(entries, target.hostname, target.port);
}

/**
 * The command that removes `host`'s keys from a user's known_hosts, for the person to run: rbees
 * never edits files it does not own. `-f` only when it is not OpenSSH's default file.
 */
export function keygenRemoveCommand(hostname: string, port: number, file: string): string {
  const base = `ssh-keygen -R ${shellQuote(hostToken(hostname, port))}`;
  const standard = join(homedir(), '.ssh', 'known_hosts');
  return file === standard ? base : `${base} -f ${shellQuote(tilde(file))}`;
}

/** What the changed-key dialog shows; `rbeesKnownHosts` tells which old keys rbees may replace. */
export function keyChange(
  target: HostKeyTarget,
  known: readonly KnownKey[],
  blob: Buffer,
  rbeesKnownHosts: string | undefined,
): HostKeyChange {
  const foreign = [...new Set(known.map((k) => k.source))].filter((f) => f !== rbeesKnownHosts);
  const keys: KnownHostKey[] = known.map((k) => ({
    fingerprint: fingerprint(Buffer.from(k.key, 'base64')),
    key_type: k.keyType,
    file: tilde(k.source),
    line: k.line,
  }));
  return {
    host: target.hostname,
    port: target.port,
    fingerprint: fingerprint(blob),
    key_type: blobKeyType(blob),
    known: keys,
    replaceable: rbeesKnownHosts !== undefined && foreign.length === 0,
    remove_command:
      foreign.length === 0
        ? null
        : foreign.map((f) => keygenRemoveCommand(target.hostname, target.port, f)).join(' && '),
    known_in: known[0]?.source ?? '',
    line: known[0]?.line ?? 0,
  };
}

/**
 * The policy: a known key is accepted, a revoked one refused, a different key for a known host is
 * a mismatch (never accepted), and an unknown host is refused until the user trusts its key.
 * Returns null when the key is accepted. `rbeesKnownHosts` (rbees' own file) lets a mismatch say
 * whether rbees may replace the old key.
 */
export function checkHostKey(
  target: HostKeyTarget,
  known: KnownHostsLookup,
  blob: Buffer,
  rbeesKnownHosts?: string,
): RbeesError | null {
  const key = blob.toString('base64');
  const fp = fingerprint(blob);
  const keyType = blobKeyType(blob);
  const details = { host: target.hostname, port: target.port, fingerprint: fp, key_type: keyType };
  const revoked = known.revoked.find((k) => k.key === key);
  if (revoked) {
    return new RbeesError(
      'SSH_HOSTKEY_MISMATCH',
      `${target.name}: host key ${fp} is marked @revoked in ${tilde(revoked.source)} ` +
        `(line ${revoked.line}); refusing to connect. Give the host a new key, then trust that one.`,
      { ...details, revoked: true },
    );
  }
  if (known.keys.some((k) => k.key === key)) return null;
  const previous = known.keys[0];
  if (previous) {
    const change = keyChange(target, known.keys, blob, rbeesKnownHosts);
    return new RbeesError(
      'SSH_HOSTKEY_MISMATCH',
      `${target.name}: host key changed (${fp}) since it was trusted — someone may be ` +
        'intercepting the connection, or the host was reinstalled; if you reinstalled it, remove ' +
        `its line from ${tilde(previous.source)} (line ${previous.line})`,
      { ...change },
    );
  }
  return new RbeesError(
    'SSH_HOSTKEY_UNKNOWN',
    `${target.name}: unknown host key ${fp} (${keyType}) for ${hostToken(target.hostname, target.port)}. ` +
      'Check it on the host with `ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub`, then trust it.',
    details,
  );
}

/** ssh2's name for each known_hosts key type, with the RSA signature variants a server offers. */
const ALGORITHMS: Record<string, ServerHostKeyAlgorithm[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
  'ssh-dss': ['ssh-dss'],
};

/**
 * ssh2 does not tell the verifier which type the server chose: ask only for the types known for
 * this host, or a host with an ed25519 and an RSA key could present the one we do not know and be
 * reported as changed. Undefined (ssh2's defaults) for an unknown host.
 */
export function hostKeyAlgorithms(known: KnownHostsLookup): ServerHostKeyAlgorithm[] | undefined {
  const algos = [...new Set(known.keys.flatMap((k) => ALGORITHMS[k.keyType] ?? []))];
  return algos.length > 0 ? algos : undefined;
}

/** ssh2's callback verifier plus what it decided, so a failed handshake can say why. */
export interface HostVerifier {
  verify: (blob: Buffer, done: (accepted: boolean) => void) => void;
  /** Set when the key was refused. */
  readonly rejection: RbeesError | null;
}

/**
 * `trustFingerprint` is the fingerprint the user confirmed for an unknown host: if the presented
 * key has exactly it, the key is appended to rbees' known_hosts and accepted. It never overrides a
 * mismatch or a revocation.
 */
export function createHostVerifier(
  target: HostKeyTarget,
  known: KnownHostsLookup,
  files: KnownHostsFiles,
  trustFingerprint?: string,
): HostVerifier {
  const state: { rejection: RbeesError | null } = { rejection: null };
  const verify = (blob: Buffer, done: (accepted: boolean) => void): void => {
    const refusal = checkHostKey(target, known, blob, files.rbeesKnownHosts);
    if (!refusal || refusal.code !== 'SSH_HOSTKEY_UNKNOWN' || trustFingerprint === undefined) {
      state.rejection = refusal;
      done(!refusal);
      return;
    }
    if (fingerprint(blob) !== trustFingerprint) {
      state.rejection = new RbeesError(
        'SSH_HOSTKEY_UNKNOWN',
        `${target.name}: the host presented ${fingerprint(blob)}, not the ${trustFingerprint} ` +
          'you confirmed; nothing was trusted. Check the key on the host again.',
        { ...refusal.details, confirmed_fingerprint: trustFingerprint },
      );
      done(false);
      return;
    }
    appendKnownHost(files.rbeesKnownHosts, target.hostname, target.port, blob).then(
      () => done(true),
      (err: unknown) => {
        state.rejection = new RbeesError(
          'SSH_CONNECT_FAILED',
          `${target.name}: could not save the trusted key to ${files.rbeesKnownHosts}: ${String(err)}`,
        );
        done(false);
      },
    );
  };
  return {
    verify,
    get rejection() {
      return state.rejection;
    },
  };
}
