/** Liveness of detached workers we did not start in this process (so cannot wait() for). */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export type ProcessState = 'running' | 'zombie' | 'gone';

function psField(pid: number, field: 'stat' | 'command'): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('ps', ['-o', `${field}=`, '-p', String(pid)], { timeout: 2000 }, (err, stdout) =>
      resolve(err === null ? stdout.trim() : null),
    );
  });
}

/**
 * kill(pid, 0) alone says yes to a zombie: a worker whose parent (this agent, long gone) was
 * replaced by a reaper that has not reaped it yet — or never will, in a container whose PID 1 is
 * not an init. A zombie holds no port and no memory, so it counts as gone for every purpose.
 */
export async function processState(pid: number): Promise<ProcessState> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists, owned by someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return 'gone';
  }
  let state: string | null;
  if (process.platform === 'linux') {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
    if (stat === null) return 'gone';
    // The command name in parentheses may itself contain spaces and parentheses.
    state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } else {
    state = await psField(pid, 'stat');
    if (state === null || state === '') return 'gone';
  }
  return state.startsWith('Z') || state.startsWith('X') ? 'zombie' : 'running';
}

/** The process's command line, to tell our worker from an unrelated process that reused its pid. */
export async function processCommand(pid: number): Promise<string | null> {
  if (process.platform === 'linux') {
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
    return raw === null ? null : raw.split('\0').join(' ').trim();
  }
  return psField(pid, 'command');
}

/** Signals the worker's whole process group (it leads one: spawned detached), else just it. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone: exactly what stopping wants.
    }
  }
}

/** Polls until the process is gone (or a zombie) or `ms` passed; true when it is gone. */
export async function waitGone(pid: number, ms: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if ((await processState(pid)) !== 'running') return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
