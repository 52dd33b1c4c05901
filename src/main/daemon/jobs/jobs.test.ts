import { afterEach, describe, expect, it, vi } from 'vitest';
import { RbeesError } from '../../../shared/errors';
import type { InferenceEvent, JobPriority, ParsedTaskRequest } from '../../../shared/inference';
import { checkContextFit, promptTokensAtLeast } from './admission';
import { rankWorkers, type ClusterWorker } from '../cluster/cluster-workers';
import { fakeJobs, settle } from '../../../../scripts/testing/jobs-fakes';

function task(priority: JobPriority = 'interactive', extra: Partial<ParsedTaskRequest> = {}) {
  return { model: 'a', prompt: 'hi', max_tokens: 4, temperature: 0, priority, ...extra };
}

function queuedPositions(events: InferenceEvent[]): number[] {
  return events.flatMap((e) => (e.type === 'queued' ? [e.data.queue_position] : []));
}

async function eventsOf(job: { events: { subscribe(): AsyncIterable<InferenceEvent> } }) {
  const all: InferenceEvent[] = [];
  for await (const event of job.events.subscribe()) all.push(event);
  return all;
}

describe('Jobs', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('journals every status change with host, worker, timings and token counts', async () => {
    const h = fakeJobs();
    h.cluster.add('w1', 'a', 1, 'gpu-box');
    const job = await h.jobs.submit(task());
    await settle();
    h.executions[0]?.step('token');
    await settle();
    h.executions[0]?.step('end');
    await settle();
    expect(h.journal.map((r) => r.status)).toEqual(['queued', 'running', 'succeeded']);
    expect(h.journal[1]).toMatchObject({ host: 'gpu-box', worker_id: 'w1', finished_at: null });
    const done = h.jobs.record(job);
    expect(done).toMatchObject({
      ...{ job_id: job.id, status: 'succeeded', model: 'a', priority: 'interactive' },
      ...{ queue_position: null, host: 'gpu-box', worker_id: 'w1' },
      ...{ tokens_in: 2, tokens_out: 1, error: null },
    });
    for (const at of ['created_at', 'started_at', 'first_token_at', 'finished_at'] as const)
      expect(Date.parse(done[at] ?? '')).not.toBeNaN();
    expect(h.journal[2]).toEqual(done);
    expect(h.jobs.recent(10)).toEqual([done]);
  });

  it('re-sends queue_position to each waiting job when it changes, and only then', async () => {
    const h = fakeJobs({ deps: { positionsEveryMs: 0 } }); // every change told at once
    h.cluster.add('w1', 'a', 1);
    const running = await h.jobs.submit(task('batch'));
    const b1 = await h.jobs.submit(task('batch'));
    const b2 = await h.jobs.submit(task('batch'));
    const i1 = await h.jobs.submit(task('interactive')); // jumps ahead of b1 and b2
    await settle();
    h.jobs.cancel(b1.id); // b2 moves up; i1 does not move
    h.executions[0]?.step('end'); // running ends: i1 starts, b2 moves up again
    await settle();
    h.executions[1]?.step('end');
    await settle();
    h.executions[2]?.step('end');
    await settle();
    expect(queuedPositions(await eventsOf(running))).toEqual([0]);
    expect(queuedPositions(await eventsOf(b2))).toEqual([1, 2, 1, 0]);
    expect(queuedPositions(await eventsOf(i1))).toEqual([0]);
    expect(h.executions.map((e) => e.job)).toEqual([running.id, i1.id, b2.id]);
  });

  it('tells waiting jobs their position at most every 250 ms, the latest one last', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const h = fakeJobs();
    h.cluster.add('w1', 'a', 1);
    const first = await h.jobs.submit(task());
    const waiting = [];
    for (let i = 0; i < 6; i++) waiting.push(await h.jobs.submit(task()));
    await settle();
    // Five jobs end in quick succession: the last waiting one moves up five places at once.
    for (let i = 0; i < 5; i++) {
      h.executions[i]?.step('end');
      await settle();
    }
    const last = waiting[5] as (typeof waiting)[number];
    const told = () => queuedPositions(last.events.snapshot());
    expect(told().at(-1)).not.toBe(0);
    await vi.advanceTimersByTimeAsync(249);
    expect(told().at(-1)).not.toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(told().at(-1)).toBe(0);
    expect(told().length).toBeLessThan(5);
    expect(h.executions.map((e) => e.job).slice(0, 2)).toEqual([first.id, waiting[0]?.id]);
  });

  it('close() cancels every job and leaves no timer behind', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const h = fakeJobs();
    h.cluster.add('w1', 'a', 1);
    const done = await h.jobs.submit(task());
    const running = await h.jobs.submit(task());
    const waiting = [await h.jobs.submit(task()), await h.jobs.submit(task())];
    await settle();
    h.executions[0]?.step('end'); // a finished job is kept a while: a timer forgets it
    await settle();
    expect(vi.getTimerCount()).toBeGreaterThan(0);

    h.jobs.close();
    await settle();
    expect(vi.getTimerCount()).toBe(0);
    expect((await eventsOf(done)).at(-1)).toMatchObject({ type: 'end' });
    for (const job of [running, ...waiting]) {
      expect((await eventsOf(job)).at(-1)).toMatchObject({
        type: 'error',
        data: { code: 'CANCELLED' },
      });
    }
  });

  it('refuses a job past capacity with QUEUE_FULL and a Retry-After hint', async () => {
    const h = fakeJobs({ capacity: 2 });
    h.cluster.add('w1', 'a', 1);
    await h.jobs.submit(task()); // runs
    await h.jobs.submit(task());
    await h.jobs.submit(task());
    const refused = await h.jobs.submit(task()).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(RbeesError);
    expect((refused as RbeesError).code).toBe('QUEUE_FULL');
    expect((refused as RbeesError).details?.retry_after_s).toBeGreaterThanOrEqual(1);
    expect(h.jobs.queueDepth).toBe(2);
    expect(await h.metrics.queueDepth.get()).toMatchObject({ values: [{ value: 2 }] });
  });

  it("refuses at admission an input that cannot fit the model's context, naming the limit", async () => {
    const h = fakeJobs();
    h.cluster.add('w1', 'a', 1); // a context of 64 tokens
    await expect(
      h.jobs.submit(task('interactive', { prompt: 'x'.repeat(480), max_tokens: 4 })),
    ).rejects.toThrow(
      'prompt: the input (at least 61 tokens) does not fit the context of "a" (64 tokens, at most 58 for the input): shorten it, or start its worker with a larger context (--ctx).',
    );
    await expect(h.jobs.submit(task('interactive', { model: 'zz' }))).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
    });
    expect(h.journal).toEqual([]);
  });

  it('cancels a running job at once, frees its slot, and is idempotent', async () => {
    const h = fakeJobs();
    const worker = h.cluster.add('w1', 'a', 1);
    const job = await h.jobs.submit(task());
    const next = await h.jobs.submit(task());
    await settle();
    h.executions[0]?.step('token');
    await settle();
    expect(worker.busy).toBe(1);
    h.jobs.cancel(job.id);
    await settle();
    expect(h.jobs.record(job)).toMatchObject({
      status: 'cancelled',
      error: { code: 'CANCELLED' },
    });
    expect(h.executions[0]?.done).toBe(true);
    expect(h.executions[1]?.job).toBe(next.id); // the freed slot went to the next job
    const journaled = h.journal.length;
    expect(h.jobs.cancel(job.id).status).toBe('cancelled');
    expect(h.journal.length).toBe(journaled);
    expect(() => h.jobs.cancel('nope')).toThrow(/No task "nope"/);
  });
});

describe('admission', () => {
  const request = (extra: Partial<ParsedTaskRequest>) =>
    ({ ...task(), ...extra }) as ParsedTaskRequest;

  it('counts a floor of the input tokens, chat messages included', () => {
    expect(promptTokensAtLeast(request({ prompt: 'x'.repeat(80) }))).toBe(11);
    const messages = [
      { role: 'system' as const, content: 'x'.repeat(40) },
      { role: 'user' as const, content: 'y'.repeat(40) },
    ];
    expect(promptTokensAtLeast(request({ prompt: undefined, messages }))).toBe(11);
  });

  it('skips the check when the context is not known yet', () => {
    expect(() => checkContextFit(request({ prompt: 'x'.repeat(800) }), 'a', null)).not.toThrow();
  });

  it('lets a reply budget past the room through: the worker serves up to the room', () => {
    expect(() => checkContextFit(request({ max_tokens: 100_000 }), 'a', 64)).not.toThrow();
  });

  it('refuses a prompt too long for the context, naming the field and the fix', () => {
    const check = () => checkContextFit(request({ prompt: 'x'.repeat(800) }), 'a', 64);
    expect(check).toThrow(
      /^prompt: the input \(at least 101 tokens\) does not fit .* \(64 tokens, at most 58 for the input\): shorten it/,
    );
  });
});

describe('rankWorkers', () => {
  const worker = (id: string, busy: number, slots: number, host = 'h'): ClusterWorker => ({
    ...{ host, id, model: 'm', slots, busy, gpu: 0, contextSize: null },
    target: { baseUrl: `http://${id}`, secret: '' },
  });

  it('prefers the least loaded, then the most free VRAM, then the given order', () => {
    const workers = [
      worker('full', 2, 2),
      worker('half', 1, 2),
      worker('idle-small', 0, 1, 'small'),
      worker('idle-big', 0, 4, 'big'),
      worker('idle-unknown', 0, 1, 'unknown'),
    ];
    const vram = (host: string) => ({ small: 1e9, big: 8e9 })[host] ?? null;
    expect(rankWorkers(workers, vram).map((w) => w.id)).toEqual([
      'idle-big',
      'idle-small',
      'idle-unknown',
      'half',
    ]);
    expect(rankWorkers(workers).map((w) => w.id)).toEqual([
      'idle-small',
      'idle-big',
      'idle-unknown',
      'half',
    ]);
  });

  it('names the offline host that has a model rather than saying it is not installed', async () => {
    const h = fakeJobs({ deps: { awayWith: (model) => (model === 'big' ? ['mac'] : []) } });
    await expect(h.jobs.submit(task('interactive', { model: 'big.gguf' }))).rejects.toMatchObject({
      code: 'WORKER_UNAVAILABLE',
      message: expect.stringContaining('"big" is on host mac, which is not online now') as unknown,
    });
    await expect(h.jobs.submit(task('interactive', { model: 'nowhere' }))).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
    });
  });

  it('starts one worker where the file is for all the jobs that need it, or fails them all', async () => {
    let starts = 0;
    const h = fakeJobs({
      deps: {
        starter: {
          files: async () => [
            { id: 'r', host: 'h2' },
            { id: 'broken', host: 'h2' },
          ],
          has: (model) => model === 'r' || model === 'broken',
          start: async (model) => {
            starts += 1;
            await settle();
            if (model === 'broken') throw new RbeesError('MODEL_LOAD_FAILED', 'not a GGUF');
            h.cluster.add('w-r', 'r', 2, 'h2');
          },
        },
      },
    });
    const jobs = [await h.jobs.submit(task('interactive', { model: 'r' }))];
    jobs.push(await h.jobs.submit(task('interactive', { model: 'r' })));
    await settle();
    expect(h.executions.map((e) => [e.job, e.worker.id])).toEqual(jobs.map((j) => [j.id, 'w-r']));
    const broken = await h.jobs.submit(task('interactive', { model: 'broken' }));
    await settle();
    expect(broken.status).toBe('failed');
    expect(broken.error).toMatchObject({ code: 'MODEL_LOAD_FAILED' });
    // The fake start is not deduplicated: Jobs asks once per round, OnDemandWorkers shares an attempt.
    expect(starts).toBeGreaterThanOrEqual(2);
  });
});
