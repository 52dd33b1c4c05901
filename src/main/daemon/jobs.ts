import { randomUUID } from 'node:crypto';
import { RbeesError, toErrorBody, type ErrorBody } from '../../shared/errors';
import type { InferenceEvent, Metrics, ParsedTaskRequest } from '../../shared/inference';
import { EventLog } from './event-log';
import type { LocalModel, LocalModels } from './local-models';
import type { Logger } from './logger';
import type { DaemonMetrics } from './metrics';
import { executeOnWorker } from './worker-client';
import type { ManagedWorker, WorkerSupervisor } from './worker-supervisor';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Job {
  readonly id: string;
  readonly request: ParsedTaskRequest;
  readonly model: LocalModel;
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

/**
 * Jobs from submission to their terminal event: a queue (interactive before batch, FIFO within),
 * dispatch to a free slot of the model's worker (started on demand), and the streamed events.
 */
export class Jobs {
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Job[] = [];

  constructor(
    private readonly deps: {
      models: LocalModels;
      supervisor: WorkerSupervisor;
      logger: Logger;
      metrics: DaemonMetrics;
    },
  ) {}

  /** Admits a job (the model must exist) and queues it; its first event is `queued`. */
  async submit(request: ParsedTaskRequest): Promise<Job> {
    const model = await this.deps.models.resolve(request.model);
    const job: Job = {
      ...{ id: randomUUID(), request, model, events: new EventLog(), attempts: 0 },
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

  /** Dispatches queued jobs to free slots; called whenever a job arrives or a worker changes. */
  pump(): void {
    for (const job of [...this.queue]) {
      const worker = this.deps.supervisor.get(job.model.id);
      if (!worker || worker.state === 'stopped' || worker.state === 'crashed') {
        this.deps.supervisor
          .ensure(job.model)
          .catch((err: unknown) => this.failQueued(job.model.id, toErrorBody(err)));
        continue;
      }
      if (worker.state !== 'ready' || worker.busy >= worker.slots) continue;
      this.queue.splice(this.queue.indexOf(job), 1);
      void this.run(job, worker);
    }
    this.deps.metrics.queueDepth.set(this.queue.length);
  }

  private enqueue(job: Job): number {
    const firstBatch = this.queue.findIndex((queued) => queued.request.priority === 'batch');
    const at =
      job.request.priority === 'interactive' && firstBatch >= 0 ? firstBatch : this.queue.length;
    this.queue.splice(at, 0, job);
    return at;
  }

  private async run(job: Job, worker: ManagedWorker): Promise<void> {
    job.status = 'running';
    this.deps.supervisor.adjustBusy(worker, 1);
    const { model, priority, session_id, ...sampling } = job.request;
    let terminal: InferenceEvent | undefined;
    let streamed = false;
    try {
      const events = executeOnWorker(
        worker.baseUrl ?? '',
        { ...sampling, job_id: job.id },
        job.abort.signal,
      );
      for await (const event of events) {
        streamed = true;
        if (event.type === 'started') {
          event.data = { ...event.data, host: 'local', worker_id: worker.id };
        } else if (event.type === 'metrics') {
          this.recordMetrics(event.data);
        }
        if (event.type === 'end' || event.type === 'error') terminal = event;
        else job.events.append({ ...event, id: undefined });
      }
    } catch (err) {
      const busy = err instanceof RbeesError && err.code === 'WORKER_BUSY';
      const gone = !(err instanceof RbeesError);
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
      this.deps.supervisor.adjustBusy(worker, -1);
    }
    this.settle(job, worker, terminal);
  }

  private settle(job: Job, worker: ManagedWorker, terminal: InferenceEvent | undefined): void {
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
        `The worker for "${job.model.id}" stopped in the middle of the reply ` +
        `(${worker.lastError ?? 'connection lost'}). It is being restarted; send the request again.`,
    });
  }

  private finish(job: Job, status: JobStatus, error?: ErrorBody): void {
    job.status = status;
    if (error) job.events.append(errorEvent(error));
    this.deps.metrics.jobs.inc({ outcome: status });
    this.deps.logger.info({ job: job.id, model: job.model.id, status }, 'job finished');
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
      if (job.model.id !== modelId) continue;
      this.queue.splice(this.queue.indexOf(job), 1);
      this.finish(job, 'failed', error);
    }
    this.deps.metrics.queueDepth.set(this.queue.length);
  }
}

function errorEvent(error: ErrorBody): InferenceEvent {
  return { type: 'error', data: error };
}
