/**
 * Starts rbees-workerd detached: its own session and process group (so the SSH session's SIGHUP
 * and the agent's exit do not reach it), stdout and stderr appended to
 * `$RBEES_HOME/logs/worker-<id>.log`, and the agent watches that log for the ready line.
 *
 * Why the log and not a pipe: a pipe's read end dies with the agent, and the worker's next write
 * to it would fail (EPIPE) long after the agent is gone; a file descriptor on the log stays valid
 * for the worker's whole life, whoever else comes and goes. The ready line lands in the log too,
 * where `worker logs` shows it later.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { freemem, platform, totalmem } from 'node:os';
import { RbeesError } from '../../../shared/errors';
import { probeGpus } from '../gpus/gpus';
import { resolveWorkerProgram } from '../install/install-layout';
import { LogFollower } from './log-reader';
import { waitForReady } from './worker-ready';
import { findModel } from '../models/model-store';
import { modelsDir, openPrivateLog, workerLogPath, workersDir } from '../paths';
import { checkFits } from './preflight';
import { estimateFile } from '../models/fit-estimate';
import { signalGroup, waitGone } from './process-info';
import type { WorkerBackend, WorkerRecord } from '../../../shared/pool-status';
import { newWorkerSecret, WORKER_SECRET_ENV } from '../../../shared/worker-auth';
import { isAlive, readState, removeState, writeState } from './worker-state';

export interface SpawnOptions {
  backend: WorkerBackend;
  model: string;
  id: string | undefined;
  gpu: number | undefined;
  port: number;
  slots: number;
  threads: number | undefined;
  ctx: number | undefined;
  timeoutMs: number;
}

export async function spawnWorker(
  options: SpawnOptions,
): Promise<WorkerRecord & { port: number; secret: string }> {
  const model = await findModel(modelsDir(), options.model);
  const needsProbe =
    options.backend === 'cuda' || options.backend === 'vulkan' || options.backend === 'auto';
  checkFits({
    model: model.id,
    need: await estimateFile(model.path, options.ctx, options.slots),
    backend: options.backend,
    gpu: options.gpu,
    slots: options.slots,
    gpus: needsProbe && platform() !== 'darwin' ? (await probeGpus()).gpus : [],
    ram: { total: totalmem(), free: freemem() },
    platform: platform(),
  });

  const id = options.id ?? `${model.id}-${randomBytes(3).toString('hex')}`;
  const existing = await readState(workersDir(), id);
  if (existing !== undefined && (await isAlive(existing))) {
    throw new RbeesError(
      'BAD_REQUEST',
      `worker "${id}" is already running (pid ${existing.pid}) — stop it first or choose another --id`,
      { id },
    );
  }
  const program = resolveWorkerProgram();
  const log = workerLogPath(id);
  const logFile = await openPrivateLog(log);
  const offset = (await stat(log)).size;
  const args = [
    '--model',
    model.path,
    '--model-id',
    model.id,
    '--port',
    String(options.port),
    '--host',
    '127.0.0.1',
    '--backend',
    options.backend,
    '--slots',
    String(options.slots),
  ];
  if (options.gpu !== undefined) args.push('--gpu', String(options.gpu));
  if (options.threads !== undefined) args.push('--threads', String(options.threads));
  if (options.ctx !== undefined) args.push('--ctx', String(options.ctx));
  await logFile.write(
    `rbees-pool: ${new Date().toISOString()} starting worker ${id}: ${[program.command, ...program.args, ...args].join(' ')}\n`,
  );

  // Chosen here and handed over by environment, never argv: `ps` shows argv to every local user.
  const secret = newWorkerSecret();
  const child = spawn(program.command, [...program.args, ...args], {
    cwd: program.cwd,
    detached: true,
    env: { ...process.env, [WORKER_SECRET_ENV]: secret },
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
  await logFile.close();
  const pid = await started;
  const state: WorkerRecord & { secret: string } = {
    id,
    pid,
    port: null,
    model: model.id,
    model_path: model.path,
    backend: options.backend,
    gpu: options.gpu ?? null,
    log,
    started_at: new Date().toISOString(),
    secret,
  };
  await writeState(workersDir(), state);

  // Interrupted (the daemon gave up, or its SSH session dropped): fail the spawn as a whole
  // rather than leave a worker nobody learns the port of.
  let interrupted: string | undefined;
  const onSignal = (signal: NodeJS.Signals) => (interrupted = signal);
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, onSignal);
  try {
    const port = await waitForReady(new LogFollower(log, offset), {
      id,
      timeoutMs: options.timeoutMs,
      exited: () => exited,
      interrupted: () => interrupted,
    });
    const ready = { ...state, port };
    await writeState(workersDir(), ready);
    return ready;
  } catch (err) {
    // A spawn that fails leaves nothing behind: no process, no state file.
    signalGroup(pid, 'SIGTERM');
    if (!(await waitGone(pid, 3000))) signalGroup(pid, 'SIGKILL');
    await removeState(workersDir(), id);
    throw err;
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
    child.unref();
  }
}
