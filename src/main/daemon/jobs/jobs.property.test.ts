import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RbeesError } from '../../../shared/errors';
import type { JobPriority, JobStatus } from '../../../shared/inference';
import type { ClusterWorker } from '../cluster/cluster-workers';
import {
  fakeJobs,
  settle,
  type Execution,
  type Step,
} from '../../../../scripts/testing/jobs-fakes';

/**
 * Jobs under random interleavings of submit, cancel (repeated), worker steps (tokens, end, busy
 * refusal, death) and workers coming and going, with a bounded queue. The workers are in-process
 * fakes (jobs-fakes.ts); the queue, dispatch, retry and cancel code is the real one.
 */

type Action =
  | { kind: 'submit'; priority: JobPriority; model: 'a' | 'b' }
  | { kind: 'cancel'; pick: number }
  | { kind: 'step'; pick: number; step: Step }
  | { kind: 'kill'; pick: number }
  | { kind: 'revive'; model: 'a' | 'b'; slots: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('submit' as const),
      priority: fc.constantFrom<JobPriority>('interactive', 'batch'),
      model: fc.constantFrom('a' as const, 'b' as const),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('step' as const),
      pick: fc.nat(),
      step: fc.constantFrom<Step>('token', 'token', 'end', 'busy', 'die'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('kill' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('revive' as const),
      model: fc.constantFrom('a' as const, 'b' as const),
      slots: fc.integer({ min: 1, max: 3 }),
    }),
  },
);

const TERMINAL: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled']);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function scenario(capacity: number, actions: Action[]): Promise<void> {
  const violations: string[] = [];
  const h = fakeJobs({
    capacity,
    // Interactive before batch: a batch job may start only when no interactive job of its model
    // waits (workers serve one model, so a free slot for one is a free slot for the other).
    onExecute: (execution) => {
      const job = h.jobs.get(execution.job);
      if (job.priority !== 'batch') return;
      const waiting = h.jobs
        .recent(1e6)
        .filter((r) => r.status === 'queued' && r.priority === 'interactive');
      if (waiting.some((r) => r.model === job.modelId))
        violations.push(`batch ${job.id} started before a waiting interactive job`);
    },
  });
  let workerCount = 0;
  let slotsEver = 3;
  h.cluster.add(`w${workerCount++}`, 'a', 2);
  h.cluster.add(`w${workerCount++}`, 'b', 1);
  const ids: string[] = [];
  const live = (): Execution[] => h.executions.filter((e) => !e.done);

  for (const act of actions) {
    switch (act.kind) {
      case 'submit': {
        const depth = h.jobs.queueDepth;
        const served = h.cluster.serves(act.model);
        const request = {
          ...{ model: act.model, prompt: 'hi', max_tokens: 4, temperature: 0 },
          priority: act.priority,
        };
        try {
          ids.push((await h.jobs.submit(request)).id);
          if (depth >= capacity) violations.push(`admitted past capacity ${capacity}`);
        } catch (err) {
          const code = err instanceof RbeesError ? err.code : String(err);
          const expected = !served ? 'MODEL_NOT_FOUND' : 'QUEUE_FULL';
          if (code !== expected || (served && depth < capacity))
            violations.push(`submit refused with ${code} at depth ${depth}/${capacity}`);
        }
        break;
      }
      case 'cancel': {
        const id = ids[act.pick % Math.max(1, ids.length)];
        if (id === undefined) break;
        const before = h.journal.length;
        const wasTerminal = TERMINAL.has(h.jobs.get(id).status);
        h.jobs.cancel(id);
        h.jobs.cancel(id); // the second call must change nothing
        if (wasTerminal && h.journal.length !== before)
          violations.push(`cancelling finished ${id} changed it`);
        break;
      }
      case 'step': {
        const running = live();
        running[act.pick % Math.max(1, running.length)]?.step(act.step);
        break;
      }
      case 'kill': {
        const worker = h.cluster.workers[act.pick % Math.max(1, h.cluster.workers.length)];
        if (!worker) break;
        kill(h.cluster.workers, worker, live());
        h.cluster.remove(worker);
        break;
      }
      case 'revive':
        slotsEver += act.slots;
        h.cluster.add(`w${workerCount++}`, act.model, act.slots);
        break;
    }
    await settle();
    // Retries go back into a full queue (at most one per slot): admissions are what is bounded.
    if (h.jobs.queueDepth > capacity + slotsEver)
      violations.push(`queue depth ${h.jobs.queueDepth} > ${capacity} + ${slotsEver} slots`);
    for (const w of h.cluster.workers)
      if (w.busy > w.slots) violations.push(`${w.id} has ${w.busy}/${w.slots} busy`);
  }

  // Drain: workers for both models, then finish whatever runs until every job has ended.
  h.cluster.add(`w${workerCount++}`, 'a', 2);
  h.cluster.add(`w${workerCount}`, 'b', 2);
  for (
    let round = 0;
    round < 100 && ids.some((id) => !TERMINAL.has(h.jobs.get(id).status));
    round++
  ) {
    for (const execution of live()) execution.step('end');
    await settle();
    await vi.advanceTimersByTimeAsync(300); // retry timers
  }

  for (const id of ids) {
    const statuses = h.journal.filter((r) => r.job_id === id).map((r) => r.status);
    const terminals = statuses.filter((s) => TERMINAL.has(s));
    if (terminals.length !== 1) violations.push(`${id}: terminal statuses ${terminals.join()}`);
    if (!TERMINAL.has(statuses.at(-1) as JobStatus))
      violations.push(`${id}: ends ${statuses.at(-1)}`);
    const streamedRuns = h.executions.filter((e) => e.job === id && e.sent > 0);
    if (streamedRuns.length > 1) violations.push(`${id}: streamed by ${streamedRuns.length} runs`);
    const job = h.jobs.get(id);
    if (!job.events.finished) violations.push(`${id}: event log without a terminal event`);
  }
  const outcomes = (await h.metrics.jobs.get()).values.reduce((sum, v) => sum + v.value, 0);
  expect(outcomes).toBe(ids.length);
  expect(violations).toEqual([]);
  expect(live()).toEqual([]);
  expect(h.jobs.queueDepth).toBe(0);
}

/** A worker dies: every request in flight on it breaks (socket closed). */
function kill(_workers: ClusterWorker[], worker: ClusterWorker, running: Execution[]): void {
  for (const execution of running) if (execution.worker === worker) execution.step('die');
}

describe('Jobs under random interleavings', () => {
  it('never loses a job, never runs one twice, ends each exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(action, { maxLength: 60 }),
        (capacity, actions) => scenario(capacity, actions),
      ),
      { numRuns: 300 },
    );
  });
});
