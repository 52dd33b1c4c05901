/**
 * `worker spawn`: the checks before anything starts (the model is there, it fits), the worker's
 * record with its new secret, its first run (worker-launch.ts), and then its keeper, which starts
 * it again with backoff when it dies (worker-keeper.ts).
 */
import { randomBytes } from 'node:crypto';
import { freemem, platform, totalmem } from 'node:os';
import { RbeesError } from '../../../shared/errors';
import { probeGpus } from '../gpus/gpus';
import { resolveWorkerProgram } from '../install/install-layout';
import { findModel } from '../models/model-store';
import { modelsDir, workerLogPath, workersDir } from '../paths';
import { checkFits } from './preflight';
import { estimateFile } from '../models/fit-estimate';
import { signalGroup } from './process-info';
import type { WorkerBackend, WorkerRecord } from '../../../shared/pool-status';
import { newWorkerSecret } from '../../../shared/worker-auth';
import { startKeeper } from './worker-keeper';
import { launchWorker } from './worker-launch';
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
  /** Times in a row the keeper starts it again after it died (0: no keeper). */
  restarts: number;
  /** Started by the daemon for its jobs (see WorkerState.on_demand). */
  onDemand: boolean;
  /**
   * The worker ends, and its keeper stops starting it again, once this process is gone: this
   * computer's daemon passes its own pid, so that its workers end with it even when it crashes.
   */
  parentPid?: number;
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
  const args = [
    ...['--model', model.path, '--model-id', model.id],
    ...['--port', String(options.port), '--host', '127.0.0.1'],
    ...['--backend', options.backend, '--slots', String(options.slots)],
  ];
  if (options.gpu !== undefined) args.push('--gpu', String(options.gpu));
  if (options.threads !== undefined) args.push('--threads', String(options.threads));
  if (options.ctx !== undefined) args.push('--ctx', String(options.ctx));
  if (options.parentPid !== undefined) args.push('--parent-pid', String(options.parentPid));

  const state: WorkerRecord & { secret: string } = {
    ...{ id, pid: 0, port: null, model: model.id, model_path: model.path },
    ...{ backend: options.backend, gpu: options.gpu ?? null, log: workerLogPath(id) },
    ...{ started_at: new Date().toISOString(), on_demand: options.onDemand },
    ...{ restarts: 0, last_error: null, keeper_pid: null, args, gave_up: false },
    // Chosen here and kept in the record (0600): the keeper starts every later run with it.
    secret: newWorkerSecret(),
  };

  // Interrupted (the daemon gave up, or its SSH session dropped): fail the spawn as a whole
  // rather than leave a worker nobody learns the port of.
  let interrupted: string | undefined;
  const onSignal = (signal: NodeJS.Signals) => (interrupted = signal);
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, onSignal);
  let ran: number | undefined;
  try {
    const { pid, port } = await launchWorker({
      ...{ id, program, args, secret: state.secret, log: state.log },
      timeoutMs: options.timeoutMs,
      started: (pid) => writeState(workersDir(), Object.assign(state, { pid })),
      interrupted: () => interrupted,
    });
    ran = pid;
    const keeper = options.restarts > 0 ? await startKeeper(id, options.restarts) : null;
    const ready = { ...state, port, keeper_pid: keeper };
    await writeState(workersDir(), ready);
    return ready;
  } catch (err) {
    // A spawn that fails leaves nothing behind: no process (launchWorker stops a run that did
    // not get ready; a ready one is stopped here), no state file.
    if (ran !== undefined) signalGroup(ran, 'SIGKILL');
    await removeState(workersDir(), id);
    throw err;
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
  }
}
