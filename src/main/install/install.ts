/**
 * `llorch pool install`: probe the host, build the payload for its platform, stream it over the
 * session as one tar into `<dir>.new`, check it there, swap it in, then run `status` from it.
 * Every step reports an event, so the CLI can print progress or JSON lines.
 */
import { RbeesError } from '../../shared/errors';
import { quoteDir } from '../ssh';
import type { SshSession } from '../ssh';
import { refusal, refusedBy } from './agent-dir';
import { buildPayload, payloadStream } from './payload';
import type { Payload } from './payload';
import { platformFromUname } from './platform';
import type { Platform } from './platform';
import {
  capture,
  checkAgentDir,
  checkNewCommand,
  checkNode,
  execWithStdin,
  parseProbe,
  probeCommand,
  swapCommand,
  unpackCommand,
} from './remote';
import type { Probe } from './remote';

/** One progress event; `event` names the step, the rest is its facts (JSON-ready). */
export type InstallEvent = { event: string } & Record<string, unknown>;

export interface InstallOptions {
  session: SshSession;
  agentDir: string;
  /** The checkout to install from (its out/main and node_modules). */
  root: string;
  /** Overrides the platform `uname` reports. */
  platform?: Platform;
  cache?: string;
  /** Reinstall even when the host already has this exact version. */
  force?: boolean;
  signal?: AbortSignal;
  emit: (event: InstallEvent) => void;
}

export interface InstallResult {
  event: 'installed';
  dir: string;
  version: string;
  bytes: number;
  seconds: number;
}

/** Disk headroom beyond the unpacked size: the old install stays until the swap. */
const DISK_MARGIN = 1.1;

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-5).join(' | ');
}

interface Step {
  session: SshSession;
  host: string;
  dir: string;
  emit: (event: InstallEvent) => void;
  cancelled: () => void;
  signal?: AbortSignal;
}

/** Sends, unpacks, checks and swaps in the payload; returns the bytes sent. */
async function transfer(step: Step, payload: Payload, probe: Probe): Promise<number> {
  const { session, host, dir, emit, cancelled } = step;
  const needed = Math.ceil(payload.unpackedBytes * DISK_MARGIN);
  if (probe.freeBytes !== null && probe.freeBytes < needed) {
    throw new RbeesError(
      'INSUFFICIENT_DISK',
      `${host}: ${Math.round(probe.freeBytes / 2 ** 20)} MiB free next to ${dir}, the agent ` +
        `needs ${Math.round(needed / 2 ** 20)} MiB — free some space or pick another --agent-dir`,
      { host, free_bytes: probe.freeBytes, needed_bytes: needed },
    );
  }
  const uploadStart = Date.now();
  const { stream, done } = payloadStream(payload);
  const sent = await execWithStdin(session, unpackCommand(dir), stream, step.signal);
  // The remote exit code explains a failure better than the local tar's broken pipe.
  if (sent.result.code === 0) await done;
  else await done.catch(() => undefined);
  const refusedNew = refusedBy(sent.result.code, sent.result.stdout);
  if (refusedNew !== null) throw refusal(host, dir, refusedNew);
  if (sent.result.code !== 0) {
    throw new RbeesError(
      'INTERNAL',
      `${host}: unpacking into ${dir}.new failed (exit ${sent.result.code}): ` +
        `${lastLines(sent.result.stderr)} — the installed agent is unchanged; check space and ` +
        'permissions there and run the install again',
    );
  }
  emit({ event: 'uploaded', bytes: sent.bytes, seconds: (Date.now() - uploadStart) / 1000 });
  cancelled();

  const checked = await capture(session, checkNewCommand(dir));
  if (checked.code !== 0 || !checked.stdout.includes('llama=ok')) {
    throw new RbeesError(
      'INTERNAL',
      `${host}: the new agent in ${dir}.new does not start (exit ${checked.code}): ` +
        `${lastLines(checked.stderr)} — the installed agent is unchanged; if --platform was ` +
        'given, check it matches the host',
    );
  }
  emit({ event: 'checked', dir: `${dir}.new` });
  cancelled();

  const swapped = await capture(session, swapCommand(dir));
  const refusedOld = refusedBy(swapped.code, swapped.stdout);
  if (refusedOld !== null) throw refusal(host, dir, refusedOld);
  if (swapped.code !== 0) {
    throw new RbeesError(
      'INTERNAL',
      `${host}: replacing ${dir} with ${dir}.new failed: ${lastLines(swapped.stderr)} — ` +
        `check ${dir} and ${dir}.old on the host, then run the install again`,
    );
  }
  emit({ event: 'swapped', dir });
  return sent.bytes;
}

export async function installAgent(options: InstallOptions): Promise<InstallResult> {
  const { session, root, emit, signal } = options;
  const host = session.host.name;
  const dir = checkAgentDir(options.agentDir);
  const started = Date.now();
  const cancelled = (): void => {
    if (signal?.aborted) throw new RbeesError('CANCELLED', `${host}: install cancelled`);
  };

  const probed = await capture(session, probeCommand(dir));
  const probe = parseProbe(probed.stdout);
  if (probed.code !== 0 || probe.uname === '') {
    throw new RbeesError(
      'INTERNAL',
      `${host}: probing the host failed (exit ${probed.code}): ${lastLines(probed.stderr)} — ` +
        `check that the parent of ${dir} can be created and \`uname\`/\`df\` exist there`,
    );
  }
  // Decided again by the unpack and the swap on the host; refused here before anything is sent.
  const [foreign] = probe.notOwned;
  if (foreign !== undefined) throw refusal(host, dir, foreign);
  checkNode(host, probe.node);
  const platform = options.platform ?? platformFromUname(probe.uname, host);
  const { freeBytes, installed } = probe;
  emit({
    event: 'probed',
    host,
    uname: probe.uname,
    platform,
    node: probe.node,
    free_bytes: freeBytes,
    installed,
  });
  cancelled();

  const payload = await buildPayload({
    root,
    platform,
    ...(options.cache !== undefined ? { cache: options.cache } : {}),
  });
  try {
    emit({
      event: 'payload',
      platform,
      version: payload.version,
      packages: payload.packages.length,
      unpacked_bytes: payload.unpackedBytes,
      fetched: payload.fetched,
    });
    cancelled();
    // The version hashes every shipped file and package version: equal means identical.
    const step = { session, host, dir, emit, cancelled, ...(signal ? { signal } : {}) };
    let bytes = 0;
    if (installed === payload.version && options.force !== true) {
      emit({ event: 'current', dir, version: installed });
    } else {
      bytes = await transfer(step, payload, probe);
    }

    const status = await capture(
      session,
      `cd ${quoteDir(dir)} && pwd && ./rbees-pool status --json`,
    );
    const lines = status.stdout.split('\n');
    const line = lines.find((l) => l.includes('"event":"status"'));
    if (status.code !== 0 || line === undefined) {
      throw new RbeesError(
        'INTERNAL',
        `${host}: installed in ${dir}, but \`rbees-pool status\` failed there (exit ` +
          `${status.code}): ${lastLines(status.stderr)} — run the install again with --force`,
      );
    }
    emit({ event: 'verified', status: JSON.parse(line) as Record<string, unknown> });
    return {
      event: 'installed',
      dir: lines[0] ?? dir,
      version: payload.version,
      bytes,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await payload.dispose();
  }
}
