import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseModelRef, formatModelRef } from '../../../shared/model-ref';
import { openPrivateLog } from '../paths';
import type { DownloadState } from './download-state';
import {
  defaultModelsDir,
  downloadFiles,
  isAlive,
  newDownloadId,
  readState,
  reconcile,
  writeState,
} from './download-state';

export interface DetachedOptions {
  /** Default $RBEES_HOME/models; the downloads folder is its sibling. */
  modelsDir?: string;
  endpoint?: string;
  token?: string | undefined;
  /**
   * The argv that runs `rbees-pool models download` (the ref and flags are appended). Default:
   * this same program, i.e. `[node, ...execArgv, argv[1], 'models', 'download']`, right when
   * called from the rbees-pool CLI.
   */
  command?: readonly string[];
}

export interface DetachedDownload {
  id: string;
  pid: number;
  log: string;
  state: string;
}

function defaultCommand(): string[] {
  const script = process.argv[1];
  if (script === undefined)
    throw new Error('startDetachedDownload: no script to re-run; pass `command`.');
  return [process.execPath, ...process.execArgv, script, 'models', 'download'];
}

/**
 * Starts a download in a process of its own, in its own process group and session, with its
 * output going to `<downloads>/<id>.log`: it outlives the SSH session (and the process) that
 * started it. Follow it with `attachDownload`, stop it with `cancelDownload`.
 */
export async function startDetachedDownload(
  refInput: string,
  opts: DetachedOptions = {},
): Promise<DetachedDownload> {
  const modelsDir = opts.modelsDir ?? defaultModelsDir();
  const ref = formatModelRef(parseModelRef(refInput)); // a bad reference fails here, not in a log
  const id = newDownloadId();
  const files = downloadFiles(modelsDir, id);
  const now = new Date().toISOString();
  const initial: DownloadState = {
    id,
    ref,
    file: null,
    state: 'running',
    bytes: 0,
    total: null,
    pid: null,
    started_at: now,
    updated_at: now,
  };
  await writeState(modelsDir, initial);

  const log = await openPrivateLog(files.log);
  const [cmd, ...prefix] = opts.command ?? defaultCommand();
  if (cmd === undefined) throw new Error('startDetachedDownload: empty command');
  const env = { ...process.env };
  if (opts.endpoint !== undefined) env.HF_ENDPOINT = opts.endpoint;
  if (opts.token !== undefined) env.HF_TOKEN = opts.token;
  const child = spawn(cmd, [...prefix, ref, '--json', '--run-id', id, '--models-dir', modelsDir], {
    detached: true, // setsid(): no controlling terminal, so no SIGHUP when the SSH session ends
    stdio: ['ignore', log.fd, log.fd],
    env,
  });
  try {
    await once(child, 'spawn');
  } catch (err) {
    const message = `Could not start the download process ${cmd}: ${err instanceof Error ? err.message : String(err)}`;
    await writeState(modelsDir, {
      ...initial,
      state: 'failed',
      error: { code: 'DOWNLOAD_FAILED', message },
    });
    throw err;
  } finally {
    await log.close();
  }
  child.unref();
  const pid = child.pid ?? 0;
  // The child writes its own pid once it runs; filling it in now lets a crash at startup be seen.
  // It cannot have finished yet: a Node process takes far longer to boot than this takes.
  const current = await readState(modelsDir, id);
  if (current.pid === null) await writeState(modelsDir, { ...current, pid });
  return { id, pid, log: files.log, state: files.state };
}

const TERMINAL: ReadonlySet<DownloadState['state']> = new Set(['done', 'failed', 'cancelled']);

/**
 * Stops a running download: SIGTERM to its process group (it records `cancelled` and keeps the
 * partial for a later resume), SIGKILL if it has not ended within `graceMs`.
 */
export async function cancelDownload(
  id: string,
  opts: { modelsDir?: string; graceMs?: number } = {},
): Promise<DownloadState> {
  const modelsDir = opts.modelsDir ?? defaultModelsDir();
  const graceMs = opts.graceMs ?? 5000;
  let s = reconcile(await readState(modelsDir, id));
  if (TERMINAL.has(s.state)) return s;
  if (s.pid === null || !isAlive(s.pid)) {
    s = { ...s, state: 'cancelled' };
    await writeState(modelsDir, s);
    return s;
  }
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-(s.pid ?? 0), signal);
    } catch {
      // already gone
    }
  };
  signalGroup('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    s = await readState(modelsDir, id);
    // Done only once the process is gone too: a caller may start the same download right after.
    if (TERMINAL.has(s.state) && !isAlive(s.pid ?? 0)) return s;
    await sleep(50);
  }
  signalGroup('SIGKILL');
  s = {
    ...s,
    state: 'cancelled',
    error: { code: 'CANCELLED', message: `Download ${id} killed after ${graceMs} ms.` },
  };
  await writeState(modelsDir, s);
  return s;
}
