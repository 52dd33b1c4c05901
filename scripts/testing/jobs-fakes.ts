import pino from 'pino';
import { RbeesError } from '../../src/shared/errors';
import type { ExecuteRequest, InferenceEvent, JobRecord } from '../../src/shared/inference';
import {
  rankWorkers,
  type ClusterWorker,
  type WorkerTarget,
} from '../../src/main/daemon/cluster/cluster-workers';
import { Jobs, type JobsDeps } from '../../src/main/daemon/jobs/jobs';
import { createMetrics } from '../../src/main/daemon/metrics';

/**
 * In-process stand-ins for Jobs' side-effect edges (test support only): hosts' workers whose
 * every step (a token, the end, a refusal, a death) the test decides, and a journal that records
 * every status change. Everything between them (queue, dispatch, retries, cancel) is the real Jobs.
 */

export type Step = 'token' | 'end' | 'busy' | 'die';

/** One POST /execute on a fake worker. */
export interface Execution {
  readonly job: string;
  readonly worker: ClusterWorker;
  /** Events sent so far. */
  sent: number;
  done: boolean;
  step(step: Step): void;
}

export class FakeCluster {
  readonly workers: ClusterWorker[] = [];
  onChange: () => void = () => {};

  add(id: string, model: string, slots: number, host = 'h1'): ClusterWorker {
    const target: WorkerTarget = { baseUrl: `fake://${id}`, secret: `secret-of-${id}` };
    const worker = { host, id, model, slots, target, gpu: null, contextSize: 64, busy: 0 };
    this.workers.push(worker);
    this.onChange();
    return worker;
  }

  remove(worker: ClusterWorker): void {
    const at = this.workers.indexOf(worker);
    if (at >= 0) this.workers.splice(at, 1);
    this.onChange();
  }

  pick(model: string): ClusterWorker | undefined {
    return rankWorkers(this.workers.filter((w) => w.model === model))[0];
  }

  serves(model: string): boolean {
    return this.workers.some((w) => w.model === model);
  }

  adjustBusy(worker: ClusterWorker, delta: 1 | -1): void {
    worker.busy = Math.max(0, worker.busy + delta);
    if (delta < 0) this.onChange();
  }

  models(): { id: string; host: string }[] {
    return this.workers.map((w) => ({ id: w.model, host: w.host }));
  }

  async refresh(_host: string): Promise<void> {}
  async refreshAll(): Promise<void> {}

  contextSize(model: string): number | null {
    const sizes = this.workers.filter((w) => w.model === model).map((w) => w.contextSize ?? 0);
    return sizes.length > 0 ? Math.max(...sizes) : null;
  }
}

/** Jobs wired to a FakeCluster; `executions` lists every dispatch in order. */
export function fakeJobs(
  options: {
    capacity?: number;
    onExecute?: (e: Execution) => void;
    /** Extra dependencies (a starter of on-demand workers, hosts that are away). */
    deps?: Partial<JobsDeps>;
  } = {},
) {
  const cluster = new FakeCluster();
  const executions: Execution[] = [];
  const journal: JobRecord[] = [];
  const metrics = createMetrics();
  const execute = (target: WorkerTarget, body: ExecuteRequest, signal: AbortSignal) => {
    const worker = cluster.workers.find((w) => w.target === target);
    if (!worker) throw new Error(`dispatch to a worker that is gone: ${target.baseUrl}`);
    const execution = fakeExecution(body, worker, signal);
    executions.push(execution.handle);
    options.onExecute?.(execution.handle);
    return execution.events;
  };
  const deps: JobsDeps = {
    ...{ cluster, metrics, execute, queueCapacity: options.capacity },
    logger: pino({ level: 'silent' }),
    journal: { changed: (record) => journal.push(record) },
    ...options.deps,
  };
  const jobs = new Jobs(deps);
  cluster.onChange = () => jobs.pump();
  return { jobs, cluster, executions, journal, metrics };
}

function fakeExecution(body: ExecuteRequest, worker: ClusterWorker, signal: AbortSignal) {
  const steps: (Step | 'abort')[] = [];
  let wake: (() => void) | undefined;
  const push = (step: Step | 'abort') => {
    steps.push(step);
    wake?.();
  };
  signal.addEventListener('abort', () => push('abort'));
  const handle: Execution = { job: body.job_id, worker, sent: 0, done: false, step: push };
  async function* events(): AsyncGenerator<InferenceEvent> {
    try {
      for (;;) {
        const step = steps.shift();
        if (step === undefined) {
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        if (step === 'abort') throw new DOMException('This operation was aborted', 'AbortError');
        if (step === 'busy') throw new RbeesError('WORKER_BUSY', 'all slots are busy');
        if (step === 'die') throw new Error('socket hang up');
        if (handle.sent === 0) {
          handle.sent += 1;
          const started_at = new Date().toISOString();
          yield { type: 'started', data: { job_id: body.job_id, model: 'm', started_at } };
        }
        if (step === 'token') {
          handle.sent += 1;
          yield { type: 'token', data: { t: 'x', i: handle.sent } };
          continue;
        }
        handle.sent += 2;
        yield {
          type: 'metrics',
          data: {
            ...{ tokens_out: 1, tokens_per_sec: 100, decode_time_ms: 10 },
            ...{ time_to_first_token_ms: 1, prompt_tokens: 2 },
          },
        };
        yield {
          type: 'end',
          data: { tokens_out: 1, decode_time_ms: 10, stop_reason: 'eos', prompt_tokens: 2 },
        };
        return;
      }
    } finally {
      handle.done = true;
    }
  }
  return { handle, events: events() };
}

/** Lets every pending promise callback run (the fake workers' steps are all microtasks). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
}
