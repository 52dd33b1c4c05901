import { RbeesError, type ErrorBody } from '../../../shared/errors';
import type { InferenceEvent } from '../../../shared/inference';
import type { Lease } from './job-lease';
import type { Execute, Job, JobsDeps } from './job-types';

/**
 * A worker answers busy for a moment after a cancel (it stops generating when it notices the
 * closed connection, which the daemon counted as a free slot at once): retried after 20, 40,
 * 80 … ms, up to 1 s apart, about 3 s in all.
 */
const BUSY_RETRY_MS = 20;
const BUSY_RETRY_MAX_MS = 1000;
/** A worker that refused the connection has just died: give its host's list time to say so. */
const GONE_RETRY_MS = 250;
const MAX_ATTEMPTS = 8;

/**
 * How one dispatch of a job ended: to be tried again after `waitMs` (nothing was streamed), or
 * done, with the worker's `end` or `error` event (none: the reply stopped midway, or the job was
 * cancelled).
 */
export type RunOutcome =
  { kind: 'retry'; waitMs: number } | { kind: 'done'; terminal: InferenceEvent | undefined };

/**
 * One dispatch of a job to the worker it leased a slot of (jobs.ts keeps the queue and the job's
 * state): the worker's events go to the job's log, with the host and worker added to `started`
 * and the token timings and rates counted.
 */
export async function streamOnWorker(
  job: Job,
  lease: Lease,
  deps: Pick<JobsDeps, 'cluster' | 'metrics' | 'onRate'>,
  execute: Execute,
): Promise<RunOutcome> {
  const { model, priority, session_id, ...sampling } = job.request;
  let terminal: InferenceEvent | undefined;
  let streamed = false;
  let lastToken: number | undefined;
  try {
    const events = execute(lease.target, { ...sampling, job_id: job.id }, job.abort.signal);
    for await (const event of events) {
      streamed = true;
      if (event.type === 'token') {
        const now = performance.now();
        if (lastToken === undefined) job.firstTokenAt = Date.now();
        else deps.metrics.tokenLatency.observe((now - lastToken) / 1000);
        lastToken = now;
      } else if (event.type === 'started') {
        event.data = { ...event.data, host: lease.host, worker_id: lease.workerId };
      } else if (event.type === 'metrics') {
        recordMetrics(deps, lease, event.data);
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
    if (gone) void deps.cluster.refresh(lease.host);
    // Nothing was streamed yet, so trying again cannot duplicate tokens: either the worker had
    // not yet freed a slot we already counted as free, or it died just before this dispatch.
    if (!job.abort.signal.aborted && !streamed && (busy || gone) && job.attempts < MAX_ATTEMPTS) {
      const waitMs = busy
        ? Math.min(BUSY_RETRY_MAX_MS, BUSY_RETRY_MS * 2 ** job.attempts)
        : GONE_RETRY_MS;
      return { kind: 'retry', waitMs };
    }
    // Anything else (a socket reset mid-stream) means the worker went away: the job reports
    // that as WORKER_CRASHED.
    if (!job.abort.signal.aborted && err instanceof RbeesError) terminal = errorEvent(err.toBody());
  }
  return { kind: 'done', terminal };
}

export function errorEvent(error: ErrorBody): InferenceEvent {
  return { type: 'error', data: error };
}

function recordMetrics(
  deps: Pick<JobsDeps, 'metrics' | 'onRate'>,
  lease: Lease,
  metrics: Extract<InferenceEvent, { type: 'metrics' }>['data'],
): void {
  const m = deps.metrics;
  m.tokensOut.inc(metrics.tokens_out);
  if (metrics.time_to_first_token_ms !== null) {
    m.timeToFirstToken.observe(metrics.time_to_first_token_ms / 1000);
  }
  // A job that decoded no tokens after its first (embeddings, a count, a one-token reply) has no
  // rate: it would hide the worker's last real one.
  if (metrics.tokens_per_sec <= 0) return;
  m.workerTokensPerSec.set({ host: lease.host, worker: lease.workerId }, metrics.tokens_per_sec);
  deps.onRate?.(lease.host, lease.workerId, metrics.tokens_per_sec);
}
