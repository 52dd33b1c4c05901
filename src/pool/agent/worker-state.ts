/**
 * Workers outlive the agent invocation that spawned them, so what the agent knows about them is
 * on disk: `$RBEES_HOME/workers/<id>.json` (the state) and `<id>.pid` (for people and scripts).
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkerHealth } from '../../shared/inference';
import { processCommand, processState } from './process-info';
import type { WorkerEntry, WorkerState } from '../../shared/pool-status';

export function statePath(dir: string, id: string): string {
  return join(dir, `${id}.json`);
}

/** Written to a temporary name and renamed, so a reader never sees half a file. */
export async function writeState(dir: string, state: WorkerState): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${state.id}.json.${process.pid}.tmp`);
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(tmp, statePath(dir, state.id));
  await writeFile(join(dir, `${state.id}.pid`), `${state.pid}\n`);
}

export async function readState(dir: string, id: string): Promise<WorkerState | undefined> {
  try {
    return JSON.parse(await readFile(statePath(dir, id), 'utf8')) as WorkerState;
  } catch {
    return undefined;
  }
}

export async function removeState(dir: string, id: string): Promise<void> {
  await rm(statePath(dir, id), { force: true });
  await rm(join(dir, `${id}.pid`), { force: true });
}

export async function readAllStates(dir: string): Promise<WorkerState[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const ids = names
    .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
    .map((n) => n.slice(0, -5));
  const states = await Promise.all(ids.map((id) => readState(dir, id)));
  return states.filter((s): s is WorkerState => s !== undefined && typeof s.pid === 'number');
}

/**
 * Alive and still ours: after a reboot the pid in a state file may belong to anything, and
 * `worker stop` must never signal a stranger, so the command line must name the model file.
 */
export async function isAlive(state: WorkerState): Promise<boolean> {
  if ((await processState(state.pid)) !== 'running') return false;
  const command = await processCommand(state.pid);
  return command === null || command.includes(state.model_path);
}

const HEALTH_TIMEOUT_MS = 1000;

export async function fetchHealth(port: number): Promise<WorkerHealth | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`, {
      signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
    });
    return response.ok ? ((await response.json()) as WorkerHealth) : null;
  } catch {
    return null;
  }
}

/** The live workers with their health; dead ones' files are removed and their ids returned. */
export async function liveWorkers(
  dir: string,
): Promise<{ workers: WorkerEntry[]; cleaned: string[] }> {
  const states = await readAllStates(dir);
  const checked = await Promise.all(
    states.map(async (state) => {
      if (!(await isAlive(state))) return { state, entry: undefined };
      const health = state.port === null ? null : await fetchHealth(state.port);
      const entry: WorkerEntry = {
        ...state,
        status:
          state.port === null ? 'starting' : health?.status === 'ready' ? 'ready' : 'unresponsive',
        slots_total: health?.slots_total ?? null,
        slots_busy: health?.slots_busy ?? null,
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
