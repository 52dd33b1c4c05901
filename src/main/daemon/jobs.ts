import { randomUUID } from 'node:crypto';
import { RbeesError, toErrorBody, type ErrorBody } from '../../shared/errors';
import type { InferenceEvent, Metrics, ParsedTaskRequest } from '../../shared/inference';
import { resolveModelId } from '../../shared/models';
import type { ClusterWorker, ClusterWorkers, WorkerTarget } from './cluster-workers';
import { EventLog } from './event-log';
import type { LocalModel, LocalModels } from './local-models';
import type { Logger } from './logger';
import type { DaemonMetrics } from './metrics';
import { executeOnWorker } from './worker-client';
import type { WorkerSupervisor } from './worker-supervisor';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Job {
  readonly id: string;
  readonly request: ParsedTaskRequest;
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
}

const KEEP_FINISHED_MS = 10 * 60_000;
const BUSY_RETRY_MS = 20;
/** A worker that refused the connection has just died: give the supervisor time to notice. */
const GONE_RETRY_MS = 250;
const MAX_ATTEMPTS = 5;

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
 * Jobs from submission to their terminal event: a queue (interactive before batch, FIFO within),
 * dispatch to a free slot of a worker serving the model, and the streamed events. Workers that
 * hosts' agents run (this computer's included) are preferred, as someone started them for this;
 * otherwise this computer's supervisor starts one on demand for a local model file.
 */
export class Jobs {
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Job[] = [];

  constructor(
    private readonly deps: {
      models: LocalModels;
      supervisor: WorkerSupervisor;
      cluster: ClusterWorkers;
      logger: Logger;
      /** A reply ended on a worker: its decode rate (for the live worker list). */
      onRate?: (host: string, workerId: string, tokensPerSec: number) => void;
      metrics: DaemonMetrics;
    },
  ) {}

  /** Admits a job (the model must exist) and queues it; its first event is `queued`. */
  async submit(request: ParsedTaskRequest): Promise<Job> {
    const { modelId, local } = await this.place(request.model);
    const job: Job = {
      ...{ id: randomUUID(), request, modelId, local, events: new EventLog(), attempts: 0 },
      ...{ abort: new AbortController(), createdAt: Date.now(), status: 'queued' },
    };
    this.jobs.set(job.id, job);
    const position = this.enqueue(job);
    job.events.append({ type: 'queued', data: { job_id: job.id, queue_position: position } });
    this.deps.metrics.queueDepth.set(this.queue.length);
    this.pump();
    return job;
  }

  get(id: string): Job {
    const job = this.jobs.get(id);
    if (!job)
      throw new RbeesError('NOT_FOUND', `No task "${id}" (finished tasks are kept 10 min).`);
    return job;
  }

  queuePosition(job: Job): number {
    return this.queue.indexOf(job);
  }

  /** Cancels a queued or running job; a finished one is left as it is (idempotent). */
  cancel(id: string): void {
    const job = this.get(id);
    if (job.status === 'queued') {
      this.queue.splice(this.queue.indexOf(job), 1);
      this.finish(job, 'cancelled', { code: 'CANCELLED', message: 'The task was cancelled.' });
    } else if (job.status === 'running') {
      job.abort.abort();
    }
  }

  /** Fails every queued and running job; used at shutdown. */
  close(): void {
    for (const job of this.jobs.values()) {
      if (job.status === 'queued' || job.status === 'running') this.cancel(job.id);
    }
  }

  /** Every model id a request may name: local files and what the cluster's workers serve. */
  async modelIds(): Promise<{ id: string; host: string }[]> {
    const local = (await this.deps.models.list()).map((m) => ({ id: m.id, host: 'local' }));
    return [...local, ...this.deps.cluster.models()];
  }

  /** Dispatches queued jobs to free slots; called whenever a job arrives or a worker changes. */
  pump(): void {
    for (const job of [...this.queue]) {
      if (job.status !== 'queued') continue; // failed by an earlier turn of this loop
      const lease = this.lease(job);
      if (!lease) continue;
      this.queue.splice(this.queue.indexOf(job), 1);
      void this.run(job, lease);
    }
    this.deps.metrics.queueDepth.set(this.queue.length);
  }

  /** Resolves a requested name; an unknown one re-reads the hosts' workers before giving up. */
  private async place(
    requested: string,
  ): Promise<{ modelId: string; local: LocalModel | undefined }> {
    const resolve = async (): Promise<string> =>
      resolveModelId(requested, [...new Set((await this.modelIds()).map((m) => m.id))]);
    const modelId = await resolve().catch(async () => {
      await this.deps.cluster.refreshAll();
      return resolve();
    });
    if (this.deps.cluster.serves(modelId)) return { modelId, local: undefined };
    const local = (await this.deps.models.list()).find((m) => m.id === modelId);
    return { modelId, local };
  }

  /** A free slot for the job now, or undefined (it waits; a worker may be starting for it). */
  private lease(job: Job): Lease | undefined {
    if (!job.local) {
      const worker = this.deps.cluster.pick(job.modelId);
      if (worker) return this.clusterLease(worker);
      if (!this.deps.cluster.serves(job.modelId)) {
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

  private enqueue(job: Job): number {
    const firstBatch = this.queue.findIndex((queued) => queued.request.priority === 'batch');
    const at =
      job.request.priority === 'interactive' && firstBatch >= 0 ? firstBatch : this.queue.length;
    this.queue.splice(at, 0, job);
    return at;
  }

  private async run(job: Job, lease: Lease): Promise<void> {
    job.status = 'running';
    const { model, priority, session_id, ...sampling } = job.request;
    let terminal: InferenceEvent | undefined;
    let streamed = false;
    try {
      const events = executeOnWorker(
        lease.target,
        { ...sampling, job_id: job.id },
        job.abort.signal,
      );
      for await (const event of events) {
        streamed = true;
        if (event.type === 'started') {
          event.data = { ...event.data, host: lease.host, worker_id: lease.workerId };
        } else if (event.type === 'metrics') {
          this.recordMetrics(event.data);
          this.deps.onRate?.(lease.host, lease.workerId, event.data.tokens_per_sec);
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
        this.queue.unshift(job);
        setTimeout(() => this.pump(), busy ? BUSY_RETRY_MS : GONE_RETRY_MS).unref();
        return;
      }
      // Anything else (a socket reset mid-stream) means the worker went away: settle() reports
      // that as WORKER_CRASHED.
      if (!job.abort.signal.aborted && err instanceof RbeesError)
        terminal = errorEvent(err.toBody());
    } finally {
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
    if (error) job.events.append(errorEvent(error));
    this.deps.metrics.jobs.inc({ outcome: status });
    this.deps.logger.info({ job: job.id, model: job.modelId, status }, 'job finished');
    setTimeout(() => this.jobs.delete(job.id), KEEP_FINISHED_MS).unref();
  }

  private recordMetrics(metrics: Metrics): void {
    this.deps.metrics.tokensOut.inc(metrics.tokens_out);
    if (metrics.time_to_first_token_ms !== null) {
      this.deps.metrics.timeToFirstToken.observe(metrics.time_to_first_token_ms / 1000);
    }
  }

  private failQueued(modelId: string, error: ErrorBody): void {
    for (const job of [...this.queue]) {
      if (job.modelId !== modelId) continue;
      this.queue.splice(this.queue.indexOf(job), 1);
      this.finish(job, 'failed', error);
    }
    this.deps.metrics.queueDepth.set(this.queue.length);
  }
}

function errorEvent(error: ErrorBody): InferenceEvent {
  return { type: 'error', data: error };
}
