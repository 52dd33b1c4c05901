/**
 * A worker's keeper, `rbees-pool worker keep <id>`: a small detached process per worker, started
 * by `worker spawn` once the worker is ready, that starts the worker again when it dies. On the
 * host, not in the daemon, so that a worker comes back wherever it runs (this computer or a pool
 * host) and whether or not a daemon is connected at the time.
 *
 * Backoff: 1, 2, 4, 8, 16, then 30 s between runs; after `restarts` deaths in a row it gives up,
 * and the record stays with `gave_up` and the reason (`worker list` shows it `failed`) until
 * someone stops it or spawns it again. A run that served for STABLE_MS starts a new count.
 */
import { spawn } from 'node:child_process';
import { appendFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkerRecord } from '../../../shared/pool-status';
import { resolveWorkerProgram } from '../install/install-layout';
import { workersDir } from '../paths';
import { processState, signalGroup } from './process-info';
import { launchWorker, logNote } from './worker-launch';
import { readState, removeState, writeState } from './worker-state';

export const DEFAULT_RESTARTS = 5;
export const BACKOFF_MS = [1000, 2000, 4000, 8000, 16000, 30000] as const;
/** A run that served this long died of something new: the count of deaths in a row restarts. */
const STABLE_MS = 60_000;
/** How often the keeper looks at its worker: a /proc read, next to nothing. */
const WATCH_MS = 200;
/** `worker spawn` writes the keeper's pid into the record right after starting it. */
const ADOPT_WAIT_MS = 5000;
const READY_TIMEOUT_MS = 300_000;

/** Starts the worker's keeper detached (it outlives this agent); resolves with its pid. */
export function startKeeper(id: string, restarts: number): Promise<number> {
  const script = process.argv[1] ?? '';
  // The same program as this agent: the bundle, or the source under tsx (execArgv).
  const child = spawn(
    process.execPath,
    [...process.execArgv, script, 'worker', 'keep', id, '--restarts', String(restarts)],
    { cwd: resolveWorkerProgram().cwd, detached: true, stdio: 'ignore', env: process.env },
  );
  child.unref();
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid ?? 0));
    child.once('error', reject);
  });
}

/** Runs until the worker is stopped (its record removed or taken over) or the keeper gives up. */
export async function keepWorker(id: string, restarts: number): Promise<void> {
  const dir = workersDir();
  let stopping: string | undefined;
  let launching: number | undefined;
  const stopped = new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      stopping = signal;
      // `worker stop` signals the keeper first: a run it is starting must not outlive it.
      if (launching !== undefined) signalGroup(launching, 'SIGTERM');
      resolve();
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  });
  let state = await adopt(dir, id);
  if (state === undefined) return;
  const mine = async (): Promise<WorkerRecord | undefined> => {
    const current = await readState(dir, id);
    return current?.keeper_pid === process.pid && stopping === undefined ? current : undefined;
  };
  let running = true;
  let readyAt: number | null = Date.now();
  let inARow = 0;
  let why = '';
  // How the current run ended, for the runs this keeper started (it is their parent).
  let exitOf: () => string | undefined = () => undefined;
  for (;;) {
    while (running) {
      const current = await mine();
      if (current === undefined) return;
      state = current;
      if ((await processState(state.pid)) !== 'running') {
        const exit = exitOf();
        why = exit === undefined ? 'it ended unexpectedly' : `it exited (${exit})`;
        break;
      }
      await Promise.race([sleep(WATCH_MS), stopped]);
    }
    if (await parentGone(state)) return removeState(dir, id);
    inARow = running && readyAt !== null && Date.now() - readyAt >= STABLE_MS ? 1 : inARow + 1;
    const what: string = `worker ${id} (pid ${state.pid}) died: ${why}`;
    if (inARow > restarts) {
      const last_error: string = `${what}; gave up after ${restarts} restarts in a row — see its log, then spawn it again`;
      await appendFile(state.log, logNote(last_error)).catch(() => undefined);
      if ((await mine()) === undefined) return;
      await writeState(dir, { ...state, port: null, keeper_pid: null, gave_up: true, last_error });
      return;
    }
    const delay = BACKOFF_MS[Math.min(inARow, BACKOFF_MS.length) - 1] ?? 30_000;
    const last_error: string = `${what}; restarting in ${delay / 1000} s (${inARow} of ${restarts} in a row)`;
    await appendFile(state.log, logNote(last_error)).catch(() => undefined);
    state = { ...state, port: null, restarts: (state.restarts ?? 0) + 1, last_error };
    await writeState(dir, state);
    await Promise.race([sleep(delay), stopped]);
    const before = await mine();
    if (before === undefined) return;
    if (await parentGone(before)) return removeState(dir, id);
    try {
      const run = await launchWorker({
        ...{ id, program: resolveWorkerProgram(), args: before.args, log: before.log },
        secret: before.secret ?? '',
        timeoutMs: READY_TIMEOUT_MS,
        started: async (pid) => {
          launching = pid;
          await writeState(dir, { ...before, pid });
        },
        interrupted: () => stopping,
      });
      launching = undefined;
      const now = await mine();
      if (now === undefined) return;
      await writeState(dir, { ...now, pid: run.pid, port: run.port });
      running = true;
      readyAt = Date.now();
      exitOf = run.exited;
    } catch (err) {
      const pid = launching ?? before.pid;
      launching = undefined;
      if (stopping !== undefined) return;
      running = false;
      readyAt = null;
      exitOf = () => undefined;
      // Its first line: the log's tail that follows is in the log itself.
      const message = err instanceof Error ? err.message : String(err);
      why = (message.split('\n')[0] ?? message).replace(/;? last log lines:$/, '');
      state = { ...before, pid };
    }
  }
}

/** The record, once `worker spawn` has written this process in as its keeper. */
async function adopt(dir: string, id: string): Promise<WorkerRecord | undefined> {
  const deadline = Date.now() + ADOPT_WAIT_MS;
  for (;;) {
    const state = await readState(dir, id);
    if (state?.keeper_pid === process.pid) return state;
    if (Date.now() > deadline) return undefined;
    await sleep(50);
  }
}

/**
 * Spawned with `--parent-pid` (this computer's daemon) and that process is gone: the worker ended
 * with it (its own parent watch), and starting it again would leave it to nobody.
 */
async function parentGone(state: WorkerRecord): Promise<boolean> {
  const at = state.args.indexOf('--parent-pid');
  const parent = at === -1 ? undefined : Number(state.args[at + 1]);
  return parent !== undefined && (await processState(parent)) !== 'running';
}
