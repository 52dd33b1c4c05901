/**
 * Workers outlive the agent invocation that spawned them, so what the agent knows about them is
 * on disk: `$RBEES_HOME/workers/<id>.json` (the state and the worker's secret) and `<id>.pid`
 * (for people and scripts). The folder is 0700 and its files 0600: the secrets are for this user.
 */
import { chmod, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RbeesError, toErrorBody, type ErrorBody } from '../../../shared/errors';
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

/**
 * The worker's state, or undefined when it has no file. A file that cannot be read or is not a
 * worker's state is WORKER_STATE_UNREADABLE: its worker may well run, and taking it for gone
 * would let a stop, a spawn or a model delete go ahead past it. A state file written by an agent
 * that is older than this one reads with what it lacks at its neutral value: no secret (`null`),
 * no keeper, never restarted.
 */
export async function readState(dir: string, id: string): Promise<WorkerRecord | undefined> {
  const path = statePath(dir, id);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    const fix = `make it readable by this user (chmod 600 ${path})`;
    throw unreadable(dir, id, (err as Error).message, fix);
  }
  let state: Partial<WorkerRecord> | null;
  try {
    state = JSON.parse(text) as Partial<WorkerRecord> | null;
  } catch (err) {
    throw unreadable(dir, id, `not JSON: ${(err as Error).message}`, STOP_BY_HAND);
  }
  if (typeof state !== 'object' || state === null || typeof state.pid !== 'number') {
    throw unreadable(dir, id, 'not a worker state (no pid)', STOP_BY_HAND);
  }
  return {
    ...(state as WorkerRecord),
    secret: typeof state.secret === 'string' ? state.secret : null,
    on_demand: state.on_demand === true,
    restarts: typeof state.restarts === 'number' ? state.restarts : 0,
    last_error: typeof state.last_error === 'string' ? state.last_error : null,
    keeper_pid: typeof state.keeper_pid === 'number' ? state.keeper_pid : null,
    args: Array.isArray(state.args) ? state.args : [],
    gave_up: state.gave_up === true,
  };
}

const STOP_BY_HAND =
  'stop its process by hand (kill the pid in its .pid file), then remove both files';

function unreadable(dir: string, id: string, why: string, fix: string): RbeesError {
  const path = statePath(dir, id);
  return new RbeesError(
    'WORKER_STATE_UNREADABLE',
    `worker ${id}: cannot read its state file ${path} (${why}); its process may still run — ${fix}`,
    { id, path },
  );
}

/** The state file, its pid file, and any temporary file a writer killed mid-write left. */
export async function removeState(dir: string, id: string): Promise<void> {
  await rm(statePath(dir, id), { force: true });
  await rm(join(dir, `${id}.pid`), { force: true });
  const names = await readdir(dir).catch(() => [] as string[]);
  const temporary = names.filter((n) => n.startsWith(`.${id}.json.`) && n.endsWith('.tmp'));
  await Promise.all(temporary.map((n) => rm(join(dir, n), { force: true })));
}

/** Every worker's state; the ones that cannot be read come apart, each with its error. */
export async function readAllStates(
  dir: string,
): Promise<{ states: WorkerRecord[]; unreadable: ErrorBody[] }> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    // No folder yet: no worker was ever spawned here.
    if (err.code === 'ENOENT') return [] as string[];
    throw new RbeesError(
      'WORKER_STATE_UNREADABLE',
      `cannot list the workers in ${dir} (${err.message}) — make it this user's (chmod 700 ${dir})`,
      { path: dir },
    );
  });
  const ids = names
    .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
    .map((n) => n.slice(0, -5));
  const read = await Promise.all(
    ids.map((id) => readState(dir, id).catch((err: unknown) => toErrorBody(err))),
  );
  const states: WorkerRecord[] = [];
  const unreadable: ErrorBody[] = [];
  for (const entry of read) {
    if (entry === undefined) continue; // removed meanwhile
    if ('code' in entry) unreadable.push(entry);
    else states.push(entry);
  }
  return { states, unreadable };
}

/**
 * The worker process is alive and still ours: after a reboot the pid in a state file may belong
 * to anything, and `worker stop` must never signal a stranger, so the command line must name the
 * model file.
 */
export async function workerAlive(state: WorkerRecord): Promise<boolean> {
  return ours(state.pid, state.model_path);
}

/** Its keeper (`rbees-pool worker keep <id>`) is alive: the worker is between two runs. */
export async function keeperAlive(state: WorkerRecord): Promise<boolean> {
  return state.keeper_pid !== null && ours(state.keeper_pid, `worker keep ${state.id} `);
}

/** The worker is there for every purpose (stop, spawn's refusal, logs): running or restarting. */
export async function isAlive(state: WorkerRecord): Promise<boolean> {
  return (await workerAlive(state)) || (await keeperAlive(state));
}

async function ours(pid: number, mark: string): Promise<boolean> {
  if ((await processState(pid)) !== 'running') return false;
  const command = await processCommand(pid);
  return command === null || `${command} `.includes(mark);
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
 * the SSH session); dead ones' files are removed and their ids returned. A state file that cannot
 * be read is reported (on stderr, the agent's log, and in `unreadable`), never taken for gone.
 */
export async function liveWorkers(
  dir: string,
): Promise<{ workers: AgentWorkerEntry[]; cleaned: string[]; unreadable: ErrorBody[] }> {
  const { states, unreadable } = await readAllStates(dir);
  for (const error of unreadable) process.stderr.write(`rbees-pool: ${error.message}\n`);
  const checked = await Promise.all(
    states.map(async (state) => ({ state, entry: await entryOf(state) })),
  );
  const cleaned: string[] = [];
  for (const { state, entry } of checked) {
    if (entry !== undefined) continue;
    await removeState(dir, state.id);
    cleaned.push(state.id);
  }
  const workers = checked.flatMap(({ entry }) => (entry === undefined ? [] : [entry]));
  return { workers: workers.sort((a, b) => a.id.localeCompare(b.id)), cleaned, unreadable };
}

/** How the worker is doing; undefined when it is gone for good (its entry is to be removed). */
async function entryOf(state: WorkerRecord): Promise<AgentWorkerEntry | undefined> {
  const entry = (status: WorkerEntry['status'], slots?: WorkerStatus | null): AgentWorkerEntry => ({
    ...{ id: state.id, pid: state.pid, port: state.port, model: state.model },
    ...{ model_path: state.model_path, backend: state.backend, gpu: state.gpu, log: state.log },
    ...{ started_at: state.started_at, on_demand: state.on_demand, restarts: state.restarts },
    ...{ last_error: state.last_error, secret: state.secret, status },
    slots_total: slots?.slots_total ?? null,
    slots_busy: slots?.slots_busy ?? null,
  });
  // Kept to say why it is not running, until someone stops it or spawns it again.
  if (state.gave_up) return entry('failed');
  if (!(await workerAlive(state))) {
    return (await keeperAlive(state)) ? entry('restarting') : undefined;
  }
  if (state.port === null) return entry('starting');
  const status = state.secret === null ? null : await fetchStatus(state.port, state.secret);
  return entry(status === null ? 'unresponsive' : 'ready', status);
}

/** An entry for reports that others may see (`status`): everything but the secret. */
export function withoutSecret({ secret: _secret, ...entry }: AgentWorkerEntry): WorkerEntry {
  return entry;
}
