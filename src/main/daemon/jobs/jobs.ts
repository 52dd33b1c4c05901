import { randomUUID } from 'node:crypto';
import { RbeesError, type ErrorBody } from '../../../shared/errors';
import type {
  InferenceEvent,
  JobRecord,
  JobStatus,
  ParsedTaskRequest,
} from '../../../shared/inference';
import { checkContextFit } from './admission';
import type { CatalogModel } from './model-placement';
import { EventLog } from '../cluster/event-log';
import { leaseSlot, type Lease } from './job-lease';
import { JobQueue } from './job-queue';
import { errorEvent, streamOnWorker, type RunOutcome } from './job-run';
import type { Execute, Job, JobsDeps } from './job-types';
import { ModelPlacement } from './model-placement';
import { Timers } from './timers';
import { executeOnWorker } from './worker-client';

export type { Execute, Job, JobJournal, JobsDeps } from './job-types';
export type { JobStatus };

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
 * Jobs from submission to their terminal event: admission, the queue (job-queue.ts), dispatch to
 * a free slot of a worker serving the model on any host (this computer's included), retries and
 * the terminal event; job-run.ts streams one dispatch. When no worker serves the model, one is
 * started on demand where its file is.
 */
export class Jobs {
  private readonly jobs = new Map<string, Job>();
  private readonly queue: JobQueue<Job>;
  private readonly execute: Execute;
  private readonly placement: ModelPlacement;
  private running = 0;
  /** A moving average of how long jobs run, for the Retry-After hint. */
  private runMsAverage = 1000;
  private readonly finishedOrder: string[] = [];
  private positionsTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly timers = new Timers();
  private positionsAt = 0;

  constructor(private readonly deps: JobsDeps) {
    this.execute = deps.execute ?? executeOnWorker;
    this.placement = new ModelPlacement(deps);
    this.queue = new JobQueue<Job>({
      capacity: deps.queueCapacity ?? DEFAULT_QUEUE_CAPACITY,
      retryAfterS: () => this.retryAfterS(),
      onPosition: (job, position) =>
        job.events.append({ type: 'queued', data: { job_id: job.id, queue_position: position } }),
    });
  }

  /** Admits a job and queues it; its first event is `queued`. Throws QUEUE_FULL past capacity. */
  async submit(request: ParsedTaskRequest): Promise<Job> {
    const modelId = await this.placement.place(request.model);
    checkContextFit(request, modelId, this.deps.cluster.contextSize(modelId));
    const job: Job = {
      ...{ id: randomUUID(), request, priority: request.priority, modelId },
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
    this.timers.close();
    for (const job of this.jobs.values()) this.cancelJob(job);
    this.retryTimer = this.positionsTimer = undefined;
  }

  /** Every model a request may name, once: where it is and its context (model-placement.ts). */
  catalog(): Promise<CatalogModel[]> {
    return this.placement.catalog();
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
      const lease = leaseSlot(job, this.deps, (error) => this.failQueued(job.modelId, error));
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
      this.retryTimer = this.timers.later(
        () => {
          this.retryTimer = undefined;
          this.pump();
        },
        nextRetry - now + 1,
      );
    }
    this.queueChanged();
  }

  private async run(job: Job, lease: Lease): Promise<void> {
    Object.assign(job, { status: 'running', host: lease.host, workerId: lease.workerId });
    job.startedAt = Date.now();
    this.deps.journal?.changed(this.record(job));
    this.running += 1;
    let outcome: RunOutcome;
    try {
      outcome = await streamOnWorker(job, lease, this.deps, this.execute);
      // Requeued before the slot is given back: the release pumps the queue, and the jobs
      // behind this one must wait with it rather than take the slot.
      if (outcome.kind === 'retry') this.retryLater(job, outcome.waitMs);
    } finally {
      this.running -= 1;
      lease.release();
    }
    if (outcome.kind === 'done') this.settle(job, lease, outcome.terminal);
  }

  private retryLater(job: Job, wait: number): void {
    job.attempts += 1;
    job.status = 'queued';
    this.queue.requeue(job);
    this.deps.journal?.changed(this.record(job));
    // Other events pump the queue too (this very lease's release does): the job sits out its
    // wait whatever wakes the queue meanwhile.
    job.retryAt = Date.now() + wait;
    this.timers.later(() => this.pump(), wait);
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
        '(connection lost). Send the request again.',
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
    this.timers.later(() => this.jobs.delete(id), KEEP_FINISHED_MS);
    this.finishedOrder.push(job.id);
    while (this.finishedOrder.length > KEEP_FINISHED_MAX) {
      this.jobs.delete(this.finishedOrder.shift() as string);
    }
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
    this.positionsTimer = this.timers.later(() => {
      this.positionsTimer = undefined;
      this.publishPositions();
    }, wait);
  }

  private publishPositions(): void {
    this.positionsAt = Date.now();
    this.queue.publishPositions();
  }
}
