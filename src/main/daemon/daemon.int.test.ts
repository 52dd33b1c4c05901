import { request as httpRequest } from 'node:http';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../scripts/testing/eventually';
import { startDaemonProcess, type DaemonProcess } from '../../../scripts/testing/daemon-process';
import { ensureTestModels, type TestModels } from '../../../scripts/test-models';
import { Client } from '../../shared/sdk';
import type { InferenceEvent } from '../../shared/inference';

let models: TestModels;
let daemon: DaemonProcess;
let client: Client;
let openai: OpenAI;
const PROMPT_MARKER = 'secret-prompt-marker-7f3a';

beforeAll(async () => {
  models = await ensureTestModels();
  daemon = await startDaemonProcess({
    models: [
      { path: models.script, as: 'script.gguf' },
      { path: models.scriptLong, as: 'long.gguf' },
    ],
  });
  writeFileSync(join(daemon.home, 'models', 'broken.gguf'), 'this is not a GGUF file\n');
  client = new Client(daemon.url, { token: daemon.token });
  openai = new OpenAI({ baseURL: `${daemon.url}/v1`, apiKey: daemon.token, maxRetries: 0 });
});

afterAll(async () => {
  await daemon?.stop();
});

async function collect(stream: AsyncIterable<InferenceEvent>): Promise<InferenceEvent[]> {
  const events: InferenceEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const text = (events: InferenceEvent[]) =>
  events.map((event) => (event.type === 'token' ? event.data.t : '')).join('');

async function workerBusy(): Promise<number> {
  return (await client.workers()).reduce((sum, worker) => sum + worker.slots_busy, 0);
}

describe('rbees-orcd with real workers', () => {
  it('streams the exact reply through /v2/tasks, events in order, one terminal event', async () => {
    const events = await collect(
      client.enqueueStream({
        model: 'script',
        messages: [{ role: 'user', content: `Hi ${PROMPT_MARKER}` }],
        max_tokens: 200,
      }),
    );
    expect(text(events)).toBe(models.scriptText);
    const types = events.map((event) => event.type);
    expect(types[0]).toBe('queued');
    expect(types[1]).toBe('started');
    expect(types.at(-1)).toBe('end');
    expect(types.filter((type) => type === 'end' || type === 'error')).toHaveLength(1);
    expect(types.indexOf('metrics')).toBeGreaterThan(types.lastIndexOf('token'));
    expect(events.map((event) => Number(event.id))).toEqual(events.map((_, index) => index + 1));
    const started = events[1];
    expect(started?.type === 'started' && started.data.host).toBe('local');
  });

  it('resumes an event stream after Last-Event-ID', async () => {
    const accepted = await client.enqueue({ model: 'script', prompt: 'Hello', max_tokens: 200 });
    const all = await collect(client.events(accepted.job_id));
    const resumed = await collect(client.events(accepted.job_id, { lastEventId: '3' }));
    expect(resumed.map((event) => event.id)).toEqual(all.slice(3).map((event) => event.id));
    expect(text(resumed)).toBe(text(all.slice(3)));
  });

  it('answers the official openai client, streaming and not', async () => {
    const messages = [{ role: 'user' as const, content: 'Hello there' }];
    const whole = await openai.chat.completions.create({ model: 'script', messages });
    expect(whole.choices[0]?.message.content).toBe(models.scriptText);
    expect(whole.choices[0]?.finish_reason).toBe('stop');
    expect(whole.usage?.completion_tokens).toBeGreaterThan(0);

    const stream = await openai.chat.completions.create({
      model: 'script',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let streamed = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      streamed += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(streamed).toBe(models.scriptText);
    expect(usage?.total_tokens).toBeGreaterThan(usage?.completion_tokens ?? 0);

    const completion = await openai.completions.create({
      model: 'script',
      prompt: 'Once',
      max_tokens: 200,
    });
    expect(completion.choices[0]?.text).toBe(models.scriptText);
    const limited = await openai.completions.create({
      model: 'long',
      prompt: 'Once',
      max_tokens: 3,
    });
    expect(limited.choices[0]?.finish_reason).toBe('length');
    expect(limited.usage?.completion_tokens).toBe(3);

    const listed = await openai.models.list();
    expect(listed.data.map((model) => model.id).sort()).toEqual(['broken', 'long', 'script']);
  });

  it('names what exists for an unknown model and the field for a bad body', async () => {
    await expect(
      openai.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toThrow(/^404 Model "nope" is not installed\. Available: broken, long, script\./);
    const response = await fetch(`${daemon.url}/v2/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${daemon.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'script', prompt: 'x', max_tokens: 0 }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(body.error.message).toContain('max_tokens');
  });

  it('refuses requests without the token, and foreign Host headers', async () => {
    expect((await fetch(`${daemon.url}/v1/models`)).status).toBe(401);
    const wrong = await fetch(`${daemon.url}/api/models`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('access-control-allow-origin')).toBeNull();
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${daemon.url}/`, { headers: { host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject).end();
    });
    expect(status).toBe(403);
  });

  it('cancels mid-stream and frees the slot for the next request', async () => {
    const accepted = await client.enqueue({ model: 'long', prompt: 'Go', max_tokens: 2000 });
    const events: InferenceEvent[] = [];
    for await (const event of client.events(accepted.job_id)) {
      events.push(event);
      if (event.type === 'token' && event.data.i === 5) await client.cancel(accepted.job_id);
    }
    const last = events.at(-1);
    expect(last?.type === 'error' && last.data.code).toBe('CANCELLED');
    expect(await eventually(workerBusy, (busy) => busy === 0)).toBe(0);
    const next = await collect(
      client.enqueueStream({ model: 'long', prompt: 'Go', max_tokens: 4 }),
    );
    expect(next.at(-1)?.type).toBe('end');
  });

  it('treats a closed OpenAI stream as a cancel', async () => {
    const abort = new AbortController();
    const stream = await openai.chat.completions.create(
      {
        model: 'long',
        messages: [{ role: 'user', content: 'Go' }],
        stream: true,
        max_tokens: 2000,
      },
      { signal: abort.signal },
    );
    let chunks = 0;
    // The openai client ends the iteration quietly when its signal aborts.
    for await (const _chunk of stream) if (++chunks === 5) abort.abort();
    expect(chunks).toBeLessThan(20);
    expect(await eventually(workerBusy, (busy) => busy === 0)).toBe(0);
    const whole = await openai.chat.completions.create({
      model: 'script',
      messages: [{ role: 'user', content: 'again' }],
    });
    expect(whole.choices[0]?.message.content).toBe(models.scriptText);
  });

  it('reports a model that is not GGUF as a load error and keeps serving', async () => {
    const events = await collect(
      client.enqueueStream({ model: 'broken', prompt: 'x', max_tokens: 5 }),
    );
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    expect(last?.type === 'error' && last.data.code).toBe('MODEL_LOAD_FAILED');
    expect(last?.type === 'error' && last.data.message).toMatch(/broken/);
    const ok = await collect(
      client.enqueueStream({ model: 'script', prompt: 'x', max_tokens: 200 }),
    );
    expect(text(ok)).toBe(models.scriptText);
  });

  it('gives an error event within a second when the worker is killed mid-stream', async () => {
    await collect(client.enqueueStream({ model: 'long', prompt: 'warm', max_tokens: 2 }));
    const worker = (await client.workers()).find((candidate) => candidate.model === 'long');
    expect(worker?.pid).toBeGreaterThan(0);
    const accepted = await client.enqueue({ model: 'long', prompt: 'Go', max_tokens: 2000 });
    let killedAt = 0;
    let last: InferenceEvent | undefined;
    for await (const event of client.events(accepted.job_id)) {
      last = event;
      if (event.type === 'token' && event.data.i === 3) {
        process.kill(worker?.pid ?? -1, 'SIGKILL');
        killedAt = Date.now();
      }
    }
    expect(last?.type === 'error' && last.data.code).toBe('WORKER_CRASHED');
    expect(Date.now() - killedAt).toBeLessThan(1000);
    const next = await collect(
      client.enqueueStream({ model: 'long', prompt: 'Go', max_tokens: 4 }),
    );
    expect(next.at(-1)?.type).toBe('end');
    // Served by the same worker, started again by this computer's agent (its keeper).
    const back = (await client.workers()).find((candidate) => candidate.model === 'long');
    expect([back?.id, back?.restarts]).toEqual([worker?.id, 1]);
    expect(back?.pid).not.toBe(worker?.pid);
  });

  it('counts jobs, tokens and time to first token in /metrics', async () => {
    const response = await fetch(`${daemon.url}/metrics`, {
      headers: { authorization: `Bearer ${daemon.token}` },
    });
    const text = await response.text();
    expect(text).toMatch(/^rbees_jobs_total\{outcome="succeeded"\} [1-9]/m);
    expect(text).toMatch(/^rbees_jobs_total\{outcome="cancelled"\} [1-9]/m);
    expect(text).toMatch(/^rbees_tokens_generated_total [1-9]/m);
    expect(text).toMatch(/^rbees_time_to_first_token_seconds_count [1-9]/m);
    expect((await fetch(`${daemon.url}/metrics`)).status).toBe(401);
  });

  it('keeps prompts and the token out of its logs', () => {
    const logsDir = join(daemon.home, 'logs');
    const logs = readdirSync(logsDir)
      .map((file) => readFileSync(join(logsDir, file), 'utf8'))
      .join('\n');
    expect(logs).toContain('rbees-orcd listening');
    expect(logs).not.toContain(PROMPT_MARKER);
    expect(logs).not.toContain(daemon.token);
  });
});
