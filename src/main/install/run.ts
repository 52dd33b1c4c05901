/**
 * The CLI side of `llorch pool install`: one SSH session, progress as text lines or (with
 * --json) one JSON line per step, errors reported like the other pool commands.
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RbeesError } from '../../shared/errors';
import type { ConnectionArgs } from '../cli/connection-args';
import { hostOptions, registeredConnection } from '../cli/host-target';
import { reportError } from '../cli/output';
import { EXIT } from '../../node/cli/run-cli';
import { SshSession } from '../ssh';
import { installAgent } from './install';
import type { InstallEvent } from './install';
import type { Platform } from './platform';

/**
 * The checkout holding out/main and node_modules: upward from the running script (out/main/
 * rbees-ctl.js, or src/main/cli/main.ts under tsx), else the current dir.
 */
export function sourceRoot(entry = process.argv[1]): string {
  let dir = dirname(resolve(entry ?? '.'));
  try {
    dir = dirname(realpathSync(resolve(entry ?? '.')));
  } catch {
    // Not a file (an eval'd entry): start from its dir as given.
  }
  for (let d = dir; dirname(d) !== d; d = dirname(d)) {
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'node_modules'))) return d;
  }
  return process.cwd();
}

const MIB = 2 ** 20;
const mib = (n: unknown): string => `${(Number(n) / MIB).toFixed(1)} MiB`;

/** A step as one human line. */
export function describe(e: InstallEvent): string {
  switch (e.event) {
    case 'probed':
      return `${String(e.host)}: ${String(e.platform)} (${String(e.uname)}), node ${String(e.node)}, ${e.free_bytes === null ? '?' : mib(e.free_bytes)} free`;
    case 'payload': {
      const fetched = Array.isArray(e.fetched) ? (e.fetched as string[]) : [];
      return `payload ${String(e.version)} for ${String(e.platform)}: ${String(e.packages)} packages, ${mib(e.unpacked_bytes)} unpacked${fetched.length > 0 ? `; fetched ${fetched.join(', ')}` : ''}`;
    }
    case 'uploaded':
      return `sent ${mib(e.bytes)} in ${Number(e.seconds).toFixed(1)} s`;
    case 'current':
      return `${String(e.dir)} already has ${String(e.version)}; nothing sent (--force reinstalls)`;
    case 'checked':
      return `checked ${String(e.dir)}: the agent starts and node-llama-cpp loads`;
    case 'swapped':
      return `swapped in ${String(e.dir)}`;
    case 'verified': {
      const s = (e.status ?? {}) as Record<string, unknown>;
      const gpus = Array.isArray(s.gpus) ? s.gpus.length : 0;
      return `status: ${String(s.hostname)} — ${String(s.os)} (${String(s.platform)}/${String(s.arch)}), ${gpus} GPU(s)`;
    }
    case 'installed':
      return `installed ${String(e.version)} in ${String(e.dir)} (${mib(e.bytes)} sent, ${Number(e.seconds).toFixed(1)} s)`;
    default:
      return JSON.stringify(e);
  }
}

export async function runInstall(
  connection: ConnectionArgs,
  flags: { platform?: Platform; force?: boolean },
  signal: AbortSignal,
  root = sourceRoot(),
): Promise<number> {
  const emit = (e: InstallEvent): void => {
    process.stdout.write(connection.json ? `${JSON.stringify(e)}\n` : `${describe(e)}\n`);
  };
  let session: SshSession | null = null;
  try {
    connection = await registeredConnection(connection);
    session = new SshSession(await hostOptions(connection));
    if (connection.trustHostKey !== undefined) await session.trust(connection.trustHostKey);
    else await session.connect();
    const result = await installAgent({
      session,
      agentDir: connection.agentDir,
      root,
      signal,
      emit,
      ...flags,
    });
    emit({ ...result });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof RbeesError && err.code === 'CANCELLED') return EXIT.interrupted;
    return reportError(err, connection.json);
  } finally {
    await session?.close();
  }
}
