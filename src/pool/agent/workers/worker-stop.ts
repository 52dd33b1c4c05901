import { signalGroup, waitGone } from './process-info';
import { workersDir } from '../paths';
import { isAlive, keeperAlive, readState, removeState, workerAlive } from './worker-state';

/** The worker's SIGTERM handler ends streams with CANCELLED and exits; this is its grace time. */
export const STOP_GRACE_MS = 5000;
const KILL_WAIT_MS = 2000;

export interface StopResult {
  id: string;
  pid: number | null;
  was_running: boolean;
  signal: 'SIGTERM' | 'SIGKILL' | null;
}

/**
 * SIGTERM to the worker's keeper, then to the worker's process group, SIGKILL if it is still
 * there after STOP_GRACE_MS.
 * Idempotent: an unknown or already stopped worker is a success with was_running false, so the
 * daemon can repeat a stop whose answer it lost.
 */
export async function stopWorker(id: string): Promise<StopResult> {
  const dir = workersDir();
  const found = await readState(dir, id);
  if (found === undefined) return { id, pid: null, was_running: false, signal: null };
  if (!(await isAlive(found))) {
    await removeState(dir, id);
    return { id, pid: found.pid, was_running: false, signal: null };
  }
  // The keeper first, so that it does not start the worker again; it stops a run it was starting.
  if (found.keeper_pid !== null && (await keeperAlive(found))) {
    signalGroup(found.keeper_pid, 'SIGTERM');
    if (!(await waitGone(found.keeper_pid, KILL_WAIT_MS))) signalGroup(found.keeper_pid, 'SIGKILL');
  }
  // Read again: a keeper may have recorded a new run before it went.
  const state = (await readState(dir, id)) ?? found;
  if (!(await workerAlive(state))) {
    await removeState(dir, id);
    return { id, pid: state.pid, was_running: true, signal: 'SIGTERM' };
  }
  signalGroup(state.pid, 'SIGTERM');
  let signal: StopResult['signal'] = 'SIGTERM';
  if (!(await waitGone(state.pid, STOP_GRACE_MS))) {
    signalGroup(state.pid, 'SIGKILL');
    signal = 'SIGKILL';
    await waitGone(state.pid, KILL_WAIT_MS);
  }
  await removeState(dir, id);
  return { id, pid: state.pid, was_running: true, signal };
}
