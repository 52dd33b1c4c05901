/**
 * The real worker process on generated models, over real HTTP. "script" models reply one known
 * text then EOS to any prompt, so the streamed text can be asserted exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels, type TestModels } from '../../../scripts/test-models/index';
import type { InferenceEvent } from '../../shared/inference';
import {
  collect,
  events,
  postJson,
  startWorker,
  status,
  stopWorker,
  textOf,
  waitFor,
} from '../../../scripts/testing/worker-process';

type Worker = Awaited<ReturnType<typeof startWorker>>;

let models: TestModels;
let short: Worker; // script.gguf, 1 slot
let long: Worker; // script-long.gguf (~330 tokens), 2 slots

beforeAll(async () => {
  models = await ensureTestModels();
  [short, long] = await Promise.all([
    startWorker(models.script, ['--ctx', '512', '--model-id', 'script-model']),
    startWorker(models.scriptLong, ['--ctx', '1024', '--slots', '2']),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([stopWorker(short), stopWorker(long)]);
});

/** started, token*, metrics, then exactly one terminal event, with token indices 0..n-1. */
function expectWellFormed(all: readonly InferenceEvent[], terminal: 'end' | 'error') {
  const types = all.map((event) => event.type);
  expect(types[0]).toBe('started');
  expect(types.at(-1)).toBe(terminal);
  expect(types.at(-2)).toBe('metrics');
  expect(types.slice(1, -2).every((type) => type === 'token')).toBe(true);
  const indices = all.flatMap((event) => (event.type === 'token' ? [event.data.i] : []));
  expect(indices).toEqual(indices.map((_, i) => i));
}

describe('rbees-workerd over HTTP', () => {
  it('prints the ready line and answers /status', async () => {
    expect(short.line).toMatchObject({
      event: 'ready',
      model: 'script-model',
      backend: 'cpu',
      slots: 1,
      context_size: 512,
    });
    expect(await status(short)).toEqual({
      status: 'ready',
      model: 'script-model',
      backend: 'cpu',
      slots_total: 1,
      slots_busy: 0,
      context_size: 512,
      pid: short.proc.pid,
    });
  });

  it('streams the exact scripted reply to a prompt, events in order', async () => {
    const response = await postJson(short, '/execute', {
      job_id: 'p1',
      prompt: 'Say something.',
      max_tokens: 200,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const all = await collect(response);
    expectWellFormed(all, 'end');
    expect(textOf(all)).toBe(models.scriptText);
    expect(all[0]).toMatchObject({
      type: 'started',
      data: { job_id: 'p1', model: 'script-model' },
    });
    const end = all.at(-1);
    const metrics = all.at(-2);
    if (end?.type !== 'end' || metrics?.type !== 'metrics') throw new Error('bad tail');
    expect(end.data.stop_reason).toBe('eos');
    expect(end.data.tokens_out).toBeGreaterThanOrEqual(all.length - 3);
    expect(metrics.data.tokens_out).toBe(end.data.tokens_out);
    expect(metrics.data.prompt_tokens).toBeGreaterThan(1);
    expect(metrics.data.time_to_first_token_ms).toBeGreaterThan(0);
    expect(metrics.data.tokens_per_sec).toBeGreaterThan(0);
  });

  it('streams the exact scripted reply to chat messages', async () => {
    const response = await postJson(short, '/execute', {
      job_id: 'm1',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hello?' },
      ],
      max_tokens: 200,
      temperature: 0,
    });
    const all = await collect(response);
    expectWellFormed(all, 'end');
    expect(textOf(all)).toBe(models.scriptText);
  });

  it('stops at max_tokens and at a stop sequence', async () => {
    const capped = await collect(
      await postJson(short, '/execute', { job_id: 'c1', prompt: 'x', max_tokens: 3 }),
    );
    expect(capped.at(-1)).toMatchObject({
      type: 'end',
      data: { stop_reason: 'max_tokens', tokens_out: 3 },
    });
    expect(models.scriptText.startsWith(textOf(capped))).toBe(true);

    const stopped = await collect(
      await postJson(short, '/execute', {
        job_id: 'c2',
        prompt: 'x',
        max_tokens: 200,
        stop: [' fox'],
      }),
    );
    expect(stopped.at(-1)).toMatchObject({ type: 'end', data: { stop_reason: 'stop_sequence' } });
    expect(textOf(stopped)).toBe(models.scriptText.slice(0, models.scriptText.indexOf(' fox')));
  });

  it('serves a budget past the room the prompt leaves up to the room, ending as max_tokens', async () => {
    // ~700 prompt tokens (one a character) in a context of 1024: the 330-token reply does not
    // fit what is left.
    const all = await collect(
      await postJson(long, '/execute', {
        job_id: 'r1',
        prompt: 'x '.repeat(350),
        max_tokens: 4096,
      }),
    );
    expectWellFormed(all, 'end');
    const end = all.at(-1) as Extract<InferenceEvent, { type: 'end' }>;
    expect(end.data.stop_reason).toBe('max_tokens');
    expect(end.data.prompt_tokens).toBeGreaterThan(500);
    expect(end.data.prompt_tokens + end.data.tokens_out).toBe(1024);
    expect(models.scriptLongText.startsWith(textOf(all))).toBe(true);
  });

  it('answers 400 naming the field for max_tokens 0, 404 in the error shape', async () => {
    const bad = await postJson(short, '/execute', {
      job_id: 'b',
      prompt: 'x',
      max_tokens: 0,
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(body.error.message).toContain('max_tokens');

    const missing = await fetch(`${short.base}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('refuses a prompt that does not fit the context, before streaming', async () => {
    const response = await postJson(short, '/execute', {
      job_id: 'big',
      prompt: 'many words '.repeat(300),
      max_tokens: 10,
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(
      /^prompt: \d+ tokens do not fit a context of 512 tokens .* --ctx$/,
    );
    expect((await status(short)).slots_busy).toBe(0);
  });

  it('ends a stream with CANCELLED on POST /cancel, and the next request is clean', async () => {
    const response = await postJson(long, '/execute', {
      job_id: 'k1',
      prompt: 'go',
      max_tokens: 2048,
    });
    const seen: InferenceEvent[] = [];
    for await (const event of events(response)) {
      seen.push(event);
      if (event.type === 'token' && event.data.i === 0) {
        const cancel = await postJson(long, '/cancel', { job_id: 'k1' });
        expect(cancel.status).toBe(202);
        expect(await cancel.json()).toEqual({ job_id: 'k1', running: true });
      }
    }
    expectWellFormed(seen, 'error');
    expect(seen.at(-1)).toMatchObject({ type: 'error', data: { code: 'CANCELLED' } });
    expect(textOf(seen).length).toBeLessThan(models.scriptLongText.length);

    // Cancelling again (or an unknown job) is still 202.
    expect((await postJson(long, '/cancel', { job_id: 'k1' })).status).toBe(202);
    const next = await collect(
      await postJson(long, '/execute', { job_id: 'k2', prompt: 'go', max_tokens: 2048 }),
    );
    expectWellFormed(next, 'end');
    expect(textOf(next)).toBe(models.scriptLongText);
  });

  it('frees the slot when the client closes the connection mid-stream', async () => {
    const client = new AbortController();
    const response = await postJson(
      long,
      '/execute',
      { job_id: 'gone', prompt: 'go', max_tokens: 2048 },
      client.signal,
    );
    const reader = events(response);
    for (;;) {
      const { value } = await reader.next();
      if (value?.type === 'token') break;
    }
    expect((await status(long)).slots_busy).toBe(1);
    client.abort();
    await waitFor('slots_busy 0', async () => (await status(long)).slots_busy === 0, 1000);
    await waitFor('the job log line', () => long.stderr().includes('job gone: CANCELLED'), 1000);
    expect(long.stderr()).toContain(
      'job gone: CANCELLED: job gone: cancelled by the client closed the connection',
    );
  });

  it('serves two streams at once with --slots 2 and answers 503 WORKER_BUSY to a third', async () => {
    const start = (id: string) =>
      postJson(long, '/execute', { job_id: id, prompt: 'go', max_tokens: 2048 });
    const [a, b] = await Promise.all([start('s1'), start('s2')]);
    const streams = [events(a), events(b)];
    const firsts = await Promise.all(streams.map((stream) => stream.next()));
    expect(firsts.map((first) => first.value?.type)).toEqual(['started', 'started']);
    expect((await status(long)).slots_busy).toBe(2);

    const third = await start('s3');
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toBe('1');
    expect(await third.json()).toMatchObject({ error: { code: 'WORKER_BUSY' } });

    const rest = await Promise.all(
      streams.map(async (stream) => {
        const all: InferenceEvent[] = [];
        for await (const event of stream) all.push(event);
        return all;
      }),
    );
    for (const all of rest) {
      expect(all.at(-1)).toMatchObject({ type: 'end', data: { stop_reason: 'eos' } });
      expect(textOf(all)).toBe(models.scriptLongText);
    }
  });
});
