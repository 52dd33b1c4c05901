/** The HTTP layer alone, over real HTTP, with a scripted engine in place of node-llama-cpp. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RbeesError } from '../../shared/errors';
import type { ExecuteRequest, InferenceEvent } from '../../shared/inference';
import { Channel } from './channel';
import { createServer, type WorkerEngine, type WorkerServer } from './server';
import { bearer, newWorkerSecret } from '../../shared/worker-auth';
import {
  collect,
  events,
  postJson,
  waitFor,
  type WorkerAddress,
} from '../../../scripts/testing/worker-process';

interface Job {
  req: ExecuteRequest;
  signal: AbortSignal;
  channel: Channel<InferenceEvent>;
}

/** Hands each generation to the test, which pushes its events. */
class ScriptedEngine implements WorkerEngine {
  readonly info = { model: 'fake', backend: 'cpu', slots: 1, contextSize: 256 };
  readonly jobs: Job[] = [];
  busy: RbeesError | undefined;

  get slotsBusy(): number {
    return this.jobs.length;
  }

  generate(req: ExecuteRequest, signal: AbortSignal): AsyncIterable<InferenceEvent> {
    if (this.busy) throw this.busy;
    const channel = new Channel<InferenceEvent>();
    channel.push({
      type: 'started',
      data: { job_id: req.job_id, model: 'fake', started_at: 'now' },
    });
    this.jobs.push({ req, signal, channel });
    return channel;
  }
}

let engine: ScriptedEngine;
let server: WorkerServer;
let worker: WorkerAddress;
const logs: string[] = [];
const secret = newWorkerSecret();
const auth = { authorization: bearer(secret) };

beforeEach(async () => {
  engine = new ScriptedEngine();
  server = createServer(engine, { secret, log: (line) => logs.push(line) });
  worker = { base: await server.app.listen({ port: 0, host: '127.0.0.1' }), secret };
});

afterEach(async () => {
  for (const job of engine.jobs) job.channel.close();
  await server.close();
});

const execute = (job_id: string, signal?: AbortSignal) =>
  postJson(worker, '/execute', { job_id, prompt: 'Hi', max_tokens: 8 }, signal);

describe('worker routes', () => {
  it('streams each event as the engine produces it', async () => {
    const response = await execute('a');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    const reader = events(response);
    expect((await reader.next()).value).toMatchObject({ type: 'started' });
    const job = engine.jobs[0]!;
    // The token arrives before the stream ends: nothing is buffered to the end.
    job.channel.push({ type: 'token', data: { t: 'Hé', i: 0 } });
    expect((await reader.next()).value).toEqual({ type: 'token', data: { t: 'Hé', i: 0 } });
    job.channel.push({
      type: 'end',
      data: { tokens_out: 1, decode_time_ms: 1, stop_reason: 'eos', prompt_tokens: 2 },
    });
    job.channel.close();
    expect((await reader.next()).value).toMatchObject({ type: 'end' });
    expect((await reader.next()).done).toBe(true);
    await waitFor('the job log line', () => logs.includes('job a: end eos, 1 tokens in 1 ms'));
  });

  it('aborts the generation within 100 ms when the client goes away', async () => {
    const client = new AbortController();
    const response = await execute('gone', client.signal);
    await events(response).next();
    client.abort();
    const started = Date.now();
    await waitFor('the abort', () => engine.jobs[0]!.signal.aborted, 100);
    expect(Date.now() - started).toBeLessThan(100);
    expect(engine.jobs[0]!.signal.reason).toMatchObject({
      code: 'CANCELLED',
      message: 'job gone: cancelled by the client closed the connection',
    });
  });

  it('cancels a running job by id, idempotently', async () => {
    const response = await execute('k');
    await events(response).next();
    const cancel = await postJson(worker, '/cancel', { job_id: 'k' });
    expect(cancel.status).toBe(202);
    expect(await cancel.json()).toEqual({ job_id: 'k', running: true });
    expect(engine.jobs[0]!.signal.reason).toMatchObject({ code: 'CANCELLED' });
    const unknown = await postJson(worker, '/cancel', { job_id: 'nobody' });
    expect(unknown.status).toBe(202);
    expect(await unknown.json()).toEqual({ job_id: 'nobody', running: false });
  });

  it('refuses a second job with the id of a running one', async () => {
    await events(await execute('dup')).next();
    const second = await execute('dup');
    expect(second.status).toBe(400);
    expect(await second.json()).toMatchObject({
      error: {
        code: 'BAD_REQUEST',
        message: expect.stringContaining('job_id: "dup" is already running') as unknown,
      },
    });
  });

  it('answers 503 WORKER_BUSY with Retry-After when the engine is full', async () => {
    engine.busy = new RbeesError('WORKER_BUSY', 'fake: all 1 slots are busy');
    const response = await execute('b');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({
      error: { code: 'WORKER_BUSY', message: 'fake: all 1 slots are busy' },
    });
  });

  it('answers malformed bodies with BAD_REQUEST, others with their own codes', async () => {
    const badJson = await fetch(`${worker.base}/execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: '{"job_id": ',
    });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });

    const text = await fetch(`${worker.base}/execute`, {
      method: 'POST',
      headers: auth,
      body: 'hello',
    });
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({
      error: {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: expect.stringContaining('application/json') as unknown,
      },
    });

    const huge = await fetch(`${worker.base}/execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ job_id: 'h', prompt: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('turns an unexpected engine failure into INTERNAL in the error shape', async () => {
    engine.generate = () => {
      throw new Error('boom');
    };
    const response = await execute('x');
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { code: 'INTERNAL', message: 'boom' } });
  });

  it('on close cancels running jobs and lets their streams end', async () => {
    const response = await execute('s');
    const all = collect(response);
    await waitFor('the job', () => engine.jobs.length === 1);
    const job = engine.jobs[0]!;
    job.signal.addEventListener('abort', () => {
      job.channel.push({ type: 'error', data: { code: 'CANCELLED', message: 'shutting down' } });
      job.channel.close();
    });
    await server.close();
    expect((await all).at(-1)).toMatchObject({ type: 'error', data: { code: 'CANCELLED' } });
  });
});
