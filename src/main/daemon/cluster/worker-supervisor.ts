import { join } from 'node:path';
import type { WorkerInfo, WorkerState } from '../../../shared/api';
import { RbeesError } from '../../../shared/errors';
import { newWorkerSecret } from '../../../shared/worker-auth';
import type { LocalModel } from './local-models';
import type { Logger } from '../logger';
import { WorkerProcess, type WorkerCommand } from './worker-process';

export interface SupervisorOptions {
  command: WorkerCommand;
  logsDir: string;
  slots: number;
  threads: number | undefined;
  idleMs: number;
  logger: Logger;
  /** Called whenever a worker changes state or frees a slot, so the scheduler can dispatch. */
  onChange: () => void;
}

const BACKOFF_MS = [1000, 2000, 4000, 8000, 16000, 30000];

/** A local worker as the scheduler sees it. */
export interface ManagedWorker {
  readonly id: string;
  readonly model: LocalModel;
  state: WorkerState;
  baseUrl: string | null;
  /** The running process's secret (a new one per start); '' until it is ready. */
  secret: string;
  slots: number;
  busy: number;
  restarts: number;
  lastError: string | null;
  backend: string | null;
  /** Tokens of context per slot, from its ready line (for admission); null until ready. */
  contextSize: number | null;
  process: WorkerProcess | null;
}

/**
 * Starts a local `rbees-workerd` per model on demand, restarts one that dies with backoff, unloads
 * one that sat idle, and stops them all on close. A worker that never got ready (a bad model file)
 * is not restarted in a loop: it stays `crashed` with the reason until a new request asks again.
 */
export class WorkerSupervisor {
  private readonly workers = new Map<string, ManagedWorker>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: SupervisorOptions) {}

  get(modelId: string): ManagedWorker | undefined {
    return this.workers.get(modelId);
  }

  list(): WorkerInfo[] {
    return [...this.workers.values()].map((worker) => ({
      id: worker.id,
      model: worker.model.id,
      host: 'local',
      port: worker.baseUrl ? Number(new URL(worker.baseUrl).port) : null,
      pid: worker.process?.pid ?? null,
      state: worker.state,
      backend: worker.backend,
      slots_total: worker.slots,
      slots_busy: worker.busy,
      restarts: worker.restarts,
      last_error: worker.lastError,
    }));
  }

  logs(workerId: string): string[] {
    const worker = [...this.workers.values()].find((candidate) => candidate.id === workerId);
    if (!worker) throw new RbeesError('NOT_FOUND', `No worker "${workerId}".`);
    return worker.process?.logs ?? [];
  }

  /** Starts a worker for the model unless one is starting or ready; resolves when it is ready. */
  async ensure(model: LocalModel): Promise<ManagedWorker> {
    if (this.closed) throw new RbeesError('WORKER_UNAVAILABLE', 'The daemon is shutting down.');
    let worker = this.workers.get(model.id);
    if (!worker) {
      worker = {
        ...{ id: `local-${model.id}`, model, state: 'stopped' as WorkerState, baseUrl: null },
        secret: '',
        ...{ slots: this.options.slots, busy: 0, restarts: 0, lastError: null, backend: null },
        ...{ contextSize: null, process: null },
      };
      this.workers.set(model.id, worker);
    }
    if (worker.state === 'stopped' || worker.state === 'crashed') await this.launch(worker);
    return worker;
  }

  /** The scheduler took (+1) or gave back (-1) a slot. */
  adjustBusy(worker: ManagedWorker, delta: 1 | -1): void {
    worker.busy += delta;
    this.armIdleTimer(worker);
    if (delta < 0) this.options.onChange();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const id of this.timers.keys()) this.clearTimer(id);
    await Promise.all([...this.workers.values()].map((worker) => this.unload(worker, 'shutdown')));
  }

  private async launch(worker: ManagedWorker): Promise<void> {
    worker.state = 'starting';
    this.options.onChange();
    try {
      const secret = newWorkerSecret();
      const { process, ready } = await WorkerProcess.start(this.options.command, {
        modelId: worker.model.id,
        modelPath: worker.model.path,
        slots: this.options.slots,
        threads: this.options.threads,
        logFile: join(this.options.logsDir, `worker-${worker.model.id}.log`),
        secret,
      });
      if (this.closed) return void (await process.stop());
      Object.assign(worker, {
        ...{ process, state: 'ready', baseUrl: `http://127.0.0.1:${ready.port}`, secret },
        ...{ slots: ready.slots, backend: ready.backend, lastError: null },
        contextSize: ready.context_size,
      });
      process.onExit((reason) => this.onExit(worker, process, reason));
      this.options.logger.info({ worker: worker.id, port: ready.port }, 'worker ready');
      this.armIdleTimer(worker);
      this.options.onChange();
    } catch (err) {
      worker.state = 'crashed';
      worker.lastError = err instanceof Error ? err.message : String(err);
      this.options.logger.warn({ worker: worker.id, error: worker.lastError }, 'worker failed');
      // No onChange here: the caller fails the jobs waiting for this model; a wake-up now would
      // make the scheduler relaunch a model that just failed to load.
      throw err;
    }
  }

  private onExit(worker: ManagedWorker, process: WorkerProcess, reason: string): void {
    if (worker.process !== process || worker.state === 'stopping') return;
    worker.state = 'crashed';
    worker.baseUrl = null;
    worker.lastError = `The worker ${reason}.`;
    this.options.logger.warn({ worker: worker.id, reason }, 'worker died; restarting');
    const delay = BACKOFF_MS[Math.min(worker.restarts, BACKOFF_MS.length - 1)] ?? 30000;
    worker.restarts += 1;
    this.setTimer(worker.id, delay, () => {
      if (worker.state === 'crashed') this.launch(worker).catch(() => undefined);
    });
    this.options.onChange();
  }

  private async unload(worker: ManagedWorker, why: 'idle' | 'shutdown'): Promise<void> {
    if (why === 'idle' && worker.busy > 0) return;
    const process = worker.process;
    worker.state = 'stopping';
    this.options.onChange();
    await process?.stop();
    this.workers.delete(worker.model.id);
    worker.state = 'stopped';
    this.options.logger.info({ worker: worker.id, why }, 'worker stopped');
    this.options.onChange();
  }

  /** An idle worker unloads after the idle timeout; any slot taken in between disarms it. */
  private armIdleTimer(worker: ManagedWorker): void {
    this.clearTimer(worker.id);
    if (worker.busy === 0 && worker.state === 'ready') {
      this.setTimer(worker.id, this.options.idleMs, () => void this.unload(worker, 'idle'));
    }
  }

  private setTimer(id: string, ms: number, run: () => void): void {
    this.clearTimer(id);
    const timer = setTimeout(run, ms);
    timer.unref();
    this.timers.set(id, timer);
  }

  private clearTimer(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }
}
