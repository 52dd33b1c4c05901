/**
 * One run of rbees-workerd, detached: its own session and process group (so the SSH session's
 * SIGHUP and the agent's exit do not reach it), stdout and stderr appended to
 * `$RBEES_HOME/logs/worker-<id>.log`, and the log watched for the ready line. `worker spawn`
 * starts a worker's first run with it, and its keeper every run after a crash.
 *
 * Why the log and not a pipe: a pipe's read end dies with the agent, and the worker's next write
 * to it would fail (EPIPE) long after the agent is gone; a file descriptor on the log stays valid
 * for the worker's whole life, whoever else comes and goes. The ready line lands in the log too,
 * where `worker logs` shows it later.
 */
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { RbeesError } from '../../../shared/errors';
import { WORKER_SECRET_ENV } from '../../../shared/worker-auth';
import type { WorkerProgram } from '../install/install-layout';
import { openPrivateLog } from '../paths';
import { LogFollower } from './log-reader';
import { signalGroup, waitGone } from './process-info';
import { waitForReady } from './worker-ready';

export interface Launch {
  id: string;
  program: WorkerProgram;
  /** rbees-workerd's own arguments. */
  args: readonly string[];
  /** Handed over by environment, never argv: `ps` shows argv to every local user. */
  secret: string;
  log: string;
  timeoutMs: number;
  /** The process runs (its pid is known): the caller records it before the wait for ready. */
  started(pid: number): Promise<void>;
  /** The signal that interrupted whoever launches, if one did: the run is given up. */
  interrupted(): string | undefined;
}

/** What the log's first line of a run says; the keeper's own lines use the same prefix. */
export function logNote(text: string): string {
  return `rbees-pool: ${new Date().toISOString()} ${text}\n`;
}

/**
 * Starts the run and resolves with its port once it printed its ready line. Anything else (its
 * own error line, an exit, the timeout, an interruption) stops it and rejects: a run that fails
 * leaves no process behind.
 */
export async function launchWorker(
  launch: Launch,
): Promise<{ pid: number; port: number; exited: () => string | undefined }> {
  const { program, args } = launch;
  const logFile = await openPrivateLog(launch.log);
  const offset = (await stat(launch.log)).size;
  await logFile.write(
    logNote(
      `starting worker ${launch.id}: ${[program.command, ...program.args, ...args].join(' ')}`,
    ),
  );
  const child = spawn(program.command, [...program.args, ...args], {
    cwd: program.cwd,
    detached: true,
    env: { ...process.env, [WORKER_SECRET_ENV]: launch.secret },
    stdio: ['ignore', logFile.fd, logFile.fd],
  });
  // Listen before any await: 'spawn' and 'error' fire on the next turns of the event loop.
  const started = new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid ?? 0));
    child.once('error', (err) =>
      reject(new RbeesError('INTERNAL', `cannot start ${program.command}: ${err.message}`)),
    );
  });
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = signal ?? `code ${code}`));
  try {
    await logFile.close();
    const pid = await started;
    try {
      await launch.started(pid);
      const port = await waitForReady(new LogFollower(launch.log, offset), {
        id: launch.id,
        timeoutMs: launch.timeoutMs,
        exited: () => exited,
        interrupted: () => launch.interrupted(),
      });
      return { pid, port, exited: () => exited };
    } catch (err) {
      signalGroup(pid, 'SIGTERM');
      if (!(await waitGone(pid, 3000))) signalGroup(pid, 'SIGKILL');
      throw err;
    }
  } finally {
    child.unref();
  }
}
