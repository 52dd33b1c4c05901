import { randomUUID } from 'node:crypto';
import { RbeesError, toErrorBody, type ErrorBody } from '../../shared/errors';
import type {
  ExecuteRequest,
  InferenceEvent,
  JobPriority,
  JobRecord,
  JobStatus,
  ParsedTaskRequest,
} from '../../shared/inference';
import { resolveModelId } from '../../shared/models';
import { checkContextFit } from './admission';
import type { ClusterWorker, ClusterWorkers, WorkerTarget } from './cluster-workers';
import { EventLog } from './event-log';
import { JobQueue } from './job-queue';
import type { LocalModel, LocalModels } from './local-models';
import type { Logger } from './logger';
import type { DaemonMetrics } from './metrics';
import type { RemoteStarter } from './remote-start';
import { executeOnWorker } from './worker-client';
import type { WorkerSupervisor } from './worker-supervisor';

export type { JobStatus };

export interface Job {
  readonly id: string;
  readonly request: ParsedTaskRequest;
  readonly priority: JobPriority;
  /** The model's id, as resolved across the cluster. */
  readonly modelId: string;
  /** Set when this computer's supervisor serves the job (no agent-run worker serves the model). */
  readonly local: LocalModel | undefined;
  readonly events: EventLog;
  readonly abort: AbortController;
  readonly createdAt: number;
  status: JobStatus;
  /** Dispatches that failed before the worker sent anything (see run). */
  attempts: number;
  /** After such a failure, not dispatched again before this time (ms): a backoff, not a spin. */
  retryAt: number;
  host: string | null;
  workerId: string | null;
  startedAt: number | null;
  firstTokenAt: number | null;
  finishedAt: number | null;
  tokensIn: number | null;
  tokensOut: number | null;
  error: ErrorBody | null;
}

/** Runs one job on a worker: `executeOnWorker`, or an in-process stand-in in tests. */
export type Execute = (
  target: WorkerTarget,
  body: ExecuteRequest,
  signal: AbortSignal,
) => AsyncIterable<InferenceEvent>;

/** Where jobs are persisted (the store), told of every status change. */
export interface JobJournal {
  changed(job: JobRecord): void;
}

export interface JobsDeps {
  models: Pick<LocalModels, 'list'>;
  supervisor: Pick<WorkerSupervisor, 'get' | 'ensure' | 'adjustBusy'>;
  cluster: Pick<
    ClusterWorkers,
    'pick' | 'serves' | 'adjustBusy' | 'models' | 'refresh' | 'refreshAll' | 'contextSize'
  >;
  logger: Logger;
  metrics: DaemonMetrics;
  /** A reply ended on a worker: its decode rate (for the live worker list). */
  onRate?: (host: string, workerId: string, tokensPerSec: number) => void;
  journal?: JobJournal;
  /** Starts a worker on a pool host that has the model's file (remote-start.ts). */
  remote?: Pick<RemoteStarter, 'models' | 'has' | 'start'>;
  /** The hosts that last listed a model and are not online now, for a precise "not found". */
  awayWith?: (modelId: string) => string[];
  /** How often waiting jobs hear of their new position at most (ms); POSITIONS_EVERY_MS. */
  positionsEveryMs?: number;
  /** RBEES_QUEUE_CAPACITY; 100 when absent. */
  queueCapacity?: number;
  execute?: Execute;
}

export const DEFAULT_QUEUE_CAPACITY = 100;
/**
 * Finished jobs stay in memory (events and all, for a late reader or a Last-Event-ID resume) for
 * 10 minutes, and at most the last 1,000 of them: past that their records come from the store.
 */
const KEEP_FINISHED_MS = 10 * 60_000;
const KEEP_FINISHED_MAX = 1000;
/**
 * Waiting jobs hear of a new queue position at most this often: each dispatch moves every waiting
 * job up a place, and telling 200 clients at every one cost more than the tokens themselves
 * (measured by the load bench: 78 `queued` events per 32-token job).
 */
const POSITIONS_EVERY_MS = 250;
/**
 * A worker answers busy for a moment after a cancel (it stops generating when it notices the
 * closed connection, which the daemon counted as a free slot at once): retried after 20, 40,
 * 80 … ms, up to 1 s apart, about 3 s in all.
 */
const BUSY_RETRY_MS = 20;
const BUSY_RETRY_MAX_MS = 1000;
/** A worker that refused the connection has just died: give the supervisor time to notice. */
const GONE_RETRY_MS = 250;
const MAX_ATTEMPTS = 8;
/** A model file dropped in by hand is seen this long after; an unknown name re-reads at once. */
const LOCAL_MODELS_TTL_MS = 2000;

/** A slot taken on a worker for one job. */
interface Lease {
  host: string;
  workerId: string;
  target: WorkerTarget;
  release(): void;
  /** Why the worker went away, for the job's error. */
  lastError(): string | null;
}

/**
 * Jobs from submission to their terminal event: admission, the queue (job-queue.ts), dispatch to
 * a free slot of a worker serving the model, and the streamed events. Workers that hosts' agents
 * run (this computer's included) are preferred, as someone started them for this; otherwise this
 * computer's supervisor starts one on demand for a local model file.
 */
export class Jobs {
  private readonly jobs = new Map<string, Job>();
  private readonly queue: JobQueue<Job>;
  private readonly execute: Execute;
  private localModels: { at: number; list: LocalModel[] } | undefined;
  private running = 0;
  /** A moving average of how long jobs run, for the Retry-After hint. */
  private runMsAverage = 1000;
  private readonly finishedOrder: string[] = [];
  private positionsTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private positionsAt = 0;

  constructor(private readonly deps: JobsDeps) {
    this.execute = deps.execute ?? executeOnWorker;
    this.queue = new JobQueue<Job>({
      capacity: deps.queueCapacity ?? DEFAULT_QUEUE_CAPACITY,
      retryAfterS: () => this.retryAfterS(),
      onPosition: (job, position) =>
        job.events.append({ type: 'queued', data: { job_id: job.id, queue_position: position } }),
    });
  }

  /** Admits a job and queues it; its first event is `queued`. Throws QUEUE_FULL past capacity. */
  async submit(request: ParsedTaskRequest): Promise<Job> {
    const { modelId, local } = await this.place(request.model);
    const contextSize = local
      ? (this.deps.supervisor.get(modelId)?.contextSize ?? null)
      : this.deps.cluster.contextSize(modelId);
    checkContextFit(request, modelId, contextSize);
    const job: Job = {
      ...{ id: randomUUID(), request, priority: request.priority, modelId, local },
      ...{ events: new EventLog(), abort: new AbortController(), createdAt: Date.now() },
      ...{ status: 'queued', attempts: 0, retryAt: 0, host: null, workerId: null },
      startedAt: null,
      ...{ firstTokenAt: null, finishedAt: null, tokensIn: null, tokensOut: null, error: null },
    };
    const position = this.queue.push(job);
    this.jobs.set(job.id, job);
    job.events.append({ type: 'queued', data: { job_id: job.id, queue_position: position } });
    this.deps.journal?.changed(this.record(job));
    this.pump();
    return job;
  }

  get(id: string): Job {
    const job = this.jobs.get(id);
    if (!job)
      throw new RbeesError('NOT_FOUND', `No task "${id}" (finished tasks are kept 10 min).`);
    return job;
  }

  /** 0 is next in line; -1 when the job is not waiting. */
  queuePosition(job: Job): number {
    return this.queue.position(job);
  }

  get queueDepth(): number {
    return this.queue.size;
  }

  /** The job as `GET /v2/tasks/{id}` shows it and the journal stores it. */
  record(job: Job): JobRecord {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      ...{ job_id: job.id, status: job.status, model: job.modelId, priority: job.priority },
      queue_position: job.status === 'queued' ? Math.max(0, this.queue.position(job)) : null,
      ...{ host: job.host, worker_id: job.workerId, created_at: iso(job.createdAt) as string },
      ...{ started_at: iso(job.startedAt), first_token_at: iso(job.firstTokenAt) },
      ...{ finished_at: iso(job.finishedAt), tokens_in: job.tokensIn, tokens_out: job.tokensOut },
      error: job.error,
    };
  }

  /** The most recent jobs still in memory, newest first. */
  recent(limit: number): JobRecord[] {
    return [...this.jobs.values()]
      .slice(-limit)
      .reverse()
      .map((job) => this.record(job));
  }

  /** Cancels a queued or running job; a finished one is left as it is (idempotent). */
  cancel(id: string): JobRecord {
    const job = this.get(id);
    this.cancelJob(job);
    return this.record(job);
  }

  /** Cancel for a job in hand (a client that left), which may already have been forgotten. */
  cancelJob(job: Job): void {
    if (job.status === 'queued') {
      this.queue.remove(job);
      this.finish(job, 'cancelled', { code: 'CANCELLED', message: 'The task was cancelled.' });
      this.queueChanged();
    } else if (job.status === 'running') {
      // run() sees the abort, frees the slot and reports CANCELLED.
      job.abort.abort();
    }
  }

  /** Fails every queued and running job; used at shutdown. */
  close(): void {
    for (const job of this.jobs.values()) this.cancelJob(job);
  }

  /** Every model id a request may name: local files and what the cluster's workers serve. */
  async modelIds(): Promise<{ id: string; host: string }[]> {
    const local = (await this.listLocal(true)).map((m) => ({ id: m.id, host: 'local' }));
    return [...local, ...this.deps.cluster.models()];
  }

  /** Dispatches queued jobs to free slots; called whenever a job arrives or a worker changes. */
  pump(): void {
    const full = new Set<string>(); // models with no free slot left in this round
    const now = Date.now();
    let nextRetry = Infinity;
    for (const job of this.queue.items()) {
      if (job.status !== 'queued' || full.has(job.modelId)) continue;
      if (job.retryAt > now) {
        full.add(job.modelId); // the jobs behind it wait with it: no overtaking in a backoff
        nextRetry = Math.min(nextRetry, job.retryAt);
        continue;
      }
      const lease = this.lease(job);
      if (!lease) {
        full.add(job.modelId);
        continue;
      }
      this.queue.remove(job);
      void this.run(job, lease);
    }
    // A job whose wait is not over gets a pump of its own when it is: a timer may fire a little
    // before Date.now() says the wait is over, and nothing else may wake the queue after it.
    if (nextRetry < Infinity && !this.retryTimer) {
      this.retryTimer = setTimeout(
        () => {
          this.retryTimer = undefined;
          this.pump();
        },
        nextRetry - now + 1,
      );
      this.retryTimer.unref();
    }
    this.queueChanged();
  }

  /** Resolves a requested name; an unknown one re-reads the models and workers before giving up. */
  private async place(
    requested: string,
  ): Promise<{ modelId: string; local: LocalModel | undefined }> {
    const resolve = (local: LocalModel[]): string => {
      const ids = [
        ...local.map((m) => m.id),
        ...this.deps.cluster.models().map((m) => m.id),
        ...(this.deps.remote?.models() ?? []).map((m) => m.id),
      ];
      return resolveModelId(requested, [...new Set(ids)]);
    };
    let local = await this.listLocal(false);
    let modelId: string;
    try {
      modelId = resolve(local);
    } catch {
      [local] = await Promise.all([this.listLocal(true), this.deps.cluster.refreshAll()]);
      try {
        modelId = resolve(local);
      } catch (err) {
        throw this.awayError(requested) ?? err;
      }
    }
    if (this.deps.cluster.serves(modelId)) return { modelId, local: undefined };
    return { modelId, local: local.find((m) => m.id === modelId) };
  }

  /** This computer's model files, re-read at most every LOCAL_MODELS_TTL_MS unless `fresh`. */
  private async listLocal(fresh: boolean): Promise<LocalModel[]> {
    const cached = this.localModels;
    if (!fresh && cached && Date.now() - cached.at < LOCAL_MODELS_TTL_MS) return cached.list;
    const list = await this.deps.models.list();
    this.localModels = { at: Date.now(), list };
    return list;
  }

  /** A free slot for the job now, or undefined (it waits; a worker may be starting for it). */
  private lease(job: Job): Lease | undefined {
    if (!job.local) {
      const worker = this.deps.cluster.pick(job.modelId);
      if (worker) return this.clusterLease(worker);
      const { remote } = this.deps;
      if (!this.deps.cluster.serves(job.modelId) && remote?.has(job.modelId)) {
        // Started once for all the jobs waiting; its arrival (cluster refresh) pumps the queue.
        remote
          .start(job.modelId)
          .catch((err: unknown) => this.failQueued(job.modelId, toErrorBody(err)));
      } else if (!this.deps.cluster.serves(job.modelId)) {
        this.failQueued(job.modelId, {
          code: 'WORKER_UNAVAILABLE',
          message: `No worker serves "${job.modelId}" any more (it was stopped, or its host went offline). Start one, then send the request again.`,
        });
      }
      return undefined;
    }
    const { supervisor } = this.deps;
    const worker = supervisor.get(job.modelId);
    if (!worker || worker.state === 'stopped' || worker.state === 'crashed') {
      supervisor
        .ensure(job.local)
        .catch((err: unknown) => this.failQueued(job.modelId, toErrorBody(err)));
      return undefined;
    }
    if (worker.state !== 'ready' || worker.busy >= worker.slots) return undefined;
    supervisor.adjustBusy(worker, 1);
    return {
      host: 'local',
      workerId: worker.id,
      target: { baseUrl: worker.baseUrl ?? '' },
      release: () => supervisor.adjustBusy(worker, -1),
      lastError: () => worker.lastError,
    };
  }

  /** A model only hosts that are away have: say which, rather than "not installed". */
  private awayError(requested: string): RbeesError | undefined {
    const wanted = requested.trim().replace(/\.gguf$/i, '');
    const hosts = this.deps.awayWith?.(wanted) ?? [];
    if (hosts.length === 0) return undefined;
    const where =
      hosts.length === 1 ? `host ${hosts[0]}, which is` : `hosts ${hosts.join(', ')}, which are`;
    return new RbeesError(
      'WORKER_UNAVAILABLE',
      `Model "${wanted}" is on ${where} not online now. Bring it back (see Hosts), or put the ` +
        'model on a host that is online.',
      { model: wanted, hosts },
    );
  }

  private clusterLease(worker: ClusterWorker): Lease {
    this.deps.cluster.adjustBusy(worker, 1);
    return {
      host: worker.host,
      workerId: worker.id,
      target: worker.target,
      release: () => this.deps.cluster.adjustBusy(worker, -1),
      lastError: () => null,
    };
  }

  private async run(job: Job, lease: Lease): Promise<void> {
    Object.assign(job, { status: 'running', host: lease.host, workerId: lease.workerId });
    job.startedAt = Date.now();
    this.deps.journal?.changed(this.record(job));
    this.running += 1;
    const { model, priority, session_id, ...sampling } = job.request;
    let terminal: InferenceEvent | undefined;
    let streamed = false;
    let lastToken: number | undefined;
    try {
      const events = this.execute(lease.target, { ...sampling, job_id: job.id }, job.abort.signal);
      for await (const event of events) {
        streamed = true;
        if (event.type === 'token') {
          const now = performance.now();
          if (lastToken === undefined) job.firstTokenAt = Date.now();
          else this.deps.metrics.tokenLatency.observe((now - lastToken) / 1000);
          lastToken = now;
        } else if (event.type === 'started') {
          event.data = { ...event.data, host: lease.host, worker_id: lease.workerId };
        } else if (event.type === 'metrics') {
          this.recordMetrics(lease, event.data);
        } else if (event.type === 'end') {
          job.tokensIn = event.data.prompt_tokens;
          job.tokensOut = event.data.tokens_out;
        }
        if (event.type === 'end' || event.type === 'error') terminal = event;
        else job.events.append({ ...event, id: undefined });
      }
    } catch (err) {
      const busy = err instanceof RbeesError && err.code === 'WORKER_BUSY';
      // A socket error, or a tunnel to a port where nothing listens any more.
      const gone = !(err instanceof RbeesError) || err.code === 'WORKER_UNAVAILABLE';
      if (gone && lease.host !== 'local') void this.deps.cluster.refresh(lease.host);
      // Nothing was streamed yet, so trying again cannot duplicate tokens: either the worker had
      // not yet freed a slot we already counted as free, or it died just before this dispatch.
      if (!job.abort.signal.aborted && !streamed && (busy || gone) && job.attempts < MAX_ATTEMPTS) {
        job.attempts += 1;
        job.status = 'queued';
        this.queue.requeue(job);
        this.deps.journal?.changed(this.record(job));
        const wait = busy
          ? Math.min(BUSY_RETRY_MAX_MS, BUSY_RETRY_MS * 2 ** (job.attempts - 1))
          : GONE_RETRY_MS;
        // Other events pump the queue too (this very lease's release does): the job sits out
        // its wait whatever wakes the queue meanwhile.
        job.retryAt = Date.now() + wait;
        setTimeout(() => this.pump(), wait).unref();
        return;
      }
      // Anything else (a socket reset mid-stream) means the worker went away: settle() reports
      // that as WORKER_CRASHED.
      if (!job.abort.signal.aborted && err instanceof RbeesError)
        terminal = errorEvent(err.toBody());
    } finally {
      this.running -= 1;
      lease.release();
    }
    this.settle(job, lease, terminal);
  }

  private settle(job: Job, lease: Lease, terminal: InferenceEvent | undefined): void {
    if (job.abort.signal.aborted) {
      return this.finish(job, 'cancelled', {
        code: 'CANCELLED',
        message: 'The task was cancelled.',
      });
    }
    if (terminal?.type === 'end') {
      job.events.append(terminal);
      return this.finish(job, 'succeeded');
    }
    if (terminal?.type === 'error') return this.finish(job, 'failed', terminal.data);
    this.finish(job, 'failed', {
      code: 'WORKER_CRASHED',
      message:
        `The worker for "${job.modelId}" on ${lease.host} stopped in the middle of the reply ` +
        `(${lease.lastError() ?? 'connection lost'}). Send the request again.`,
    });
  }

  private finish(job: Job, status: JobStatus, error?: ErrorBody): void {
    job.status = status;
    job.finishedAt = Date.now();
    if (job.startedAt !== null) {
      this.runMsAverage = 0.8 * this.runMsAverage + 0.2 * (job.finishedAt - job.startedAt);
    }
    if (error) {
      job.error = error;
      job.events.append(errorEvent(error));
    }
    this.deps.metrics.jobs.inc({ outcome: status });
    this.deps.journal?.changed(this.record(job));
    this.deps.logger.info({ job: job.id, model: job.modelId, status }, 'job finished');
    // The timer holds the id only: holding the job would keep its events alive past the cap.
    const { id } = job;
    setTimeout(() => this.jobs.delete(id), KEEP_FINISHED_MS).unref();
    this.finishedOrder.push(job.id);
    while (this.finishedOrder.length > KEEP_FINISHED_MAX) {
      this.jobs.delete(this.finishedOrder.shift() as string);
    }
  }

  private recordMetrics(
    lease: Lease,
    metrics: Extract<InferenceEvent, { type: 'metrics' }>['data'],
  ): void {
    const m = this.deps.metrics;
    m.tokensOut.inc(metrics.tokens_out);
    if (metrics.time_to_first_token_ms !== null) {
      m.timeToFirstToken.observe(metrics.time_to_first_token_ms / 1000);
    }
    m.workerTokensPerSec.set({ host: lease.host, worker: lease.workerId }, metrics.tokens_per_sec);
    this.deps.onRate?.(lease.host, lease.workerId, metrics.tokens_per_sec);
  }

  /**
   * Seconds until a slot is likely to open for a refused request: the queue drains at about one
   * job per average run time per running job. A hint, clamped to 1-60 s.
   */
  private retryAfterS(): number {
    const perJobMs = this.runMsAverage / Math.max(1, this.running);
    return Math.min(60, Math.max(1, Math.ceil((perJobMs * this.queue.size) / 1000)));
  }

  private failQueued(modelId: string, error: ErrorBody): void {
    for (const job of this.queue.items()) {
      if (job.modelId !== modelId) continue;
      this.queue.remove(job);
      this.finish(job, 'failed', error);
    }
    this.queueChanged();
  }

  private queueChanged(): void {
    this.deps.metrics.queueDepth.set(this.queue.size);
    if (this.positionsTimer) return; // a later publish will tell the latest positions
    const every = this.deps.positionsEveryMs ?? POSITIONS_EVERY_MS;
    const wait = this.positionsAt + every - Date.now();
    if (wait <= 0) return this.publishPositions();
    this.positionsTimer = setTimeout(() => {
      this.positionsTimer = undefined;
      this.publishPositions();
    }, wait);
    this.positionsTimer.unref();
  }

  private publishPositions(): void {
    this.positionsAt = Date.now();
    this.queue.publishPositions();
  }
}

function errorEvent(error: ErrorBody): InferenceEvent {
  return { type: 'error', data: error };
}
