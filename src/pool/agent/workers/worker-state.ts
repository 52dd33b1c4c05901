/**
 * Workers outlive the agent invocation that spawned them, so what the agent knows about them is
 * on disk: `$RBEES_HOME/workers/<id>.json` (the state and the worker's secret) and `<id>.pid`
 * (for people and scripts). The folder is 0700 and its files 0600: the secrets are for this user.
 */
import { chmod, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WORKER_ROUTES, type WorkerStatus } from '../../../shared/inference';
import { bearer } from '../../../shared/worker-auth';
import { processCommand, processState } from './process-info';
import type { AgentWorkerEntry, WorkerEntry, WorkerRecord } from '../../../shared/pool-status';

export function statePath(dir: string, id: string): string {
  return join(dir, `${id}.json`);
}

/** Written to a temporary name and renamed, so a reader never sees half a file. */
export async function writeState(dir: string, state: WorkerRecord): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode applies only to a folder it creates: tighten one an older agent made 0755.
  await chmod(dir, 0o700);
  const tmp = join(dir, `.${state.id}.json.${process.pid}.tmp`);
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, statePath(dir, state.id));
  await writeFile(join(dir, `${state.id}.pid`), `${state.pid}\n`, { mode: 0o600 });
}

/** A state file written by an agent that gave workers no secret reads with `secret: null`. */
export async function readState(dir: string, id: string): Promise<WorkerRecord | undefined> {
  try {
    const state = JSON.parse(await readFile(statePath(dir, id), 'utf8')) as WorkerRecord;
    return { ...state, secret: typeof state.secret === 'string' ? state.secret : null };
  } catch {
    return undefined;
  }
}

export async function removeState(dir: string, id: string): Promise<void> {
  await rm(statePath(dir, id), { force: true });
  await rm(join(dir, `${id}.pid`), { force: true });
}

export async function readAllStates(dir: string): Promise<WorkerRecord[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const ids = names
    .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
    .map((n) => n.slice(0, -5));
  const states = await Promise.all(ids.map((id) => readState(dir, id)));
  return states.filter((s): s is WorkerRecord => s !== undefined && typeof s.pid === 'number');
}

/**
 * Alive and still ours: after a reboot the pid in a state file may belong to anything, and
 * `worker stop` must never signal a stranger, so the command line must name the model file.
 */
export async function isAlive(state: WorkerRecord): Promise<boolean> {
  if ((await processState(state.pid)) !== 'running') return false;
  const command = await processCommand(state.pid);
  return command === null || command.includes(state.model_path);
}

const STATUS_TIMEOUT_MS = 1000;

/** The worker's own `GET /status`; null when it does not answer it (or not in time). */
export async function fetchStatus(port: number, secret: string): Promise<WorkerStatus | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${WORKER_ROUTES.status}`, {
      headers: { authorization: bearer(secret) },
      signal: AbortSignal.timeout(STATUS_TIMEOUT_MS),
    });
    if (!response.ok) return null;
    const status = (await response.json()) as Partial<WorkerStatus>;
    // Read as far as it is used: a worker of another version may answer more, or less.
    const slots = [status.slots_total, status.slots_busy];
    return status.status === 'ready' && slots.every(Number.isInteger)
      ? (status as WorkerStatus)
      : null;
  } catch {
    return null;
  }
}

/**
 * The live workers with their status and secrets (for `worker list --json`, whose reader holds
 * the SSH session); dead ones' files are removed and their ids returned.
 */
export async function liveWorkers(
  dir: string,
): Promise<{ workers: AgentWorkerEntry[]; cleaned: string[] }> {
  const states = await readAllStates(dir);
  const checked = await Promise.all(
    states.map(async (state) => {
      if (!(await isAlive(state))) return { state, entry: undefined };
      const status =
        state.port === null || state.secret === null
          ? null
          : await fetchStatus(state.port, state.secret);
      const entry: AgentWorkerEntry = {
        ...state,
        status: state.port === null ? 'starting' : status === null ? 'unresponsive' : 'ready',
        slots_total: status?.slots_total ?? null,
        slots_busy: status?.slots_busy ?? null,
      };
      return { state, entry };
    }),
  );
  const cleaned: string[] = [];
  for (const { state, entry } of checked) {
    if (entry !== undefined) continue;
    await removeState(dir, state.id);
    cleaned.push(state.id);
  }
  const workers = checked.flatMap(({ entry }) => (entry === undefined ? [] : [entry]));
  return { workers: workers.sort((a, b) => a.id.localeCompare(b.id)), cleaned };
}

/** An entry for reports that others may see (`status`): everything but the secret. */
export function withoutSecret({ secret: _secret, ...entry }: AgentWorkerEntry): WorkerEntry {
  return entry;
}
