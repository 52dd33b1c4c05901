/**
 * What the lab's apps send first, through the built daemon to a real worker, seen with the
 * official `openai` client as the apps use it: Continue's default budget of 4096 tokens on a small
 * context, the sampling fields OpenAI and llama-server define, fields rbees does not honour
 * refused by name, inputs measured in tokens (not characters), a bodiless request with a JSON
 * content type, and a daemon reached by a name added with RBEES_ALLOWED_HOSTS.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels, type TestModels } from '../../../../../scripts/test-models';
import {
  startDaemonProcess,
  type DaemonProcess,
} from '../../../../../scripts/testing/daemon-process';
import { eventually } from '../../../../../scripts/testing/eventually';
import { rawRequest } from '../../../../../scripts/testing/raw-http';
import { API } from '../../../../shared/api';
import type { HostWorkersResponse } from '../../../../shared/hosts';

/** The worker's context: small, so that a budget of 4096 is past the room. */
const CTX = 512;
let models: TestModels;
let daemon: DaemonProcess;
let openai: OpenAI;

beforeAll(async () => {
  models = await ensureTestModels();
  daemon = await startDaemonProcess({
    models: [
      { path: models.scriptLong, as: 'long.gguf' },
      { path: models.script, as: 'idle.gguf' },
    ],
    env: { RBEES_ALLOWED_HOSTS: 'host.docker.internal, nas.lan' },
  });
  openai = new OpenAI({ baseURL: `${daemon.url}/v1`, apiKey: daemon.token, maxRetries: 0 });
  const spawned = await daemon.call('POST', API.hostWorkers('local'), {
    model: 'long',
    backend: 'cpu',
    ctx: CTX,
  });
  expect(spawned.status, JSON.stringify(spawned.json)).toBe(201);
  await eventually(
    async () =>
      ((await daemon.call('GET', API.hostWorkers('local'))).json as unknown as HostWorkersResponse)
        .workers,
    (workers) => workers.some((w) => w.status === 'ready'),
    60_000,
  );
}, 90_000);

afterAll(async () => {
  await daemon?.stop();
});

/** About `n` prompt tokens: the test models' vocabulary has one token per character here. */
const words = (n: number) => 'x '.repeat(Math.floor(n / 2));

describe('what the apps send, through /v1', () => {
  it('lists each model once with its context and where it is, and describes one', async () => {
    type Listed = OpenAI.Model & { context_length: number | null; hosts: string[] };
    const listed = (await openai.models.list()).data as Listed[];
    expect(listed.map((m) => m.id).sort()).toEqual(['idle', 'long']);
    // Served: the worker's context. Not loaded: what a worker started for it would get at most,
    // its trained context (4096 for the test models) under the cap of 8192.
    expect(listed.find((m) => m.id === 'long')).toMatchObject({
      context_length: CTX,
      hosts: ['local'],
    });
    expect(listed.find((m) => m.id === 'idle')).toMatchObject({
      context_length: 4096,
      hosts: ['local'],
    });
    expect(await openai.models.retrieve('long.gguf')).toMatchObject({
      id: 'long',
      object: 'model',
      context_length: CTX,
    });
    const missing = await openai.models.retrieve('nope').catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('serves a budget past the room up to the room, as finish_reason "length"', async () => {
    const messages = [{ role: 'user' as const, content: words(300) }];
    const whole = await openai.chat.completions.create({
      model: 'long',
      messages,
      max_tokens: 4096,
    });
    expect(whole.choices[0]?.finish_reason).toBe('length');
    const usage = whole.usage!;
    expect(usage.prompt_tokens).toBeGreaterThan(250);
    expect(usage.prompt_tokens + usage.completion_tokens).toBe(CTX);
    expect(models.scriptLongText.startsWith(whole.choices[0]?.message.content ?? '-')).toBe(true);

    const stream = await openai.chat.completions.create({
      model: 'long',
      messages,
      max_completion_tokens: 4096,
      stream: true,
      stream_options: { include_usage: true },
    });
    const finishes: (string | null)[] = [];
    let streamed: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      for (const choice of chunk.choices)
        if (choice.finish_reason) finishes.push(choice.finish_reason);
      streamed ??= chunk.usage;
    }
    expect(finishes).toEqual(['length']);
    expect(streamed).toEqual(usage);
  });

  it('honours the sampling fields OpenAI and llama-server define', async () => {
    const reply = await openai.chat.completions.create({
      model: 'long',
      messages: [{ role: 'user', content: 'Count.' }],
      max_tokens: 64,
      temperature: 0.5,
      top_p: 0.9,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      seed: 7,
      user: 'kitchen-tablet',
      stop: [', 9,'],
      // llama-server's extensions, as its clients send them.
      ...({ top_k: 20, min_p: 0.05, repeat_penalty: 1.05 } as object),
    });
    // The script model's reply does not depend on sampling: it stops where asked.
    expect(reply.choices[0]?.finish_reason).toBe('stop');
    expect(reply.choices[0]?.message.content).toBe(
      models.scriptLongText.slice(0, models.scriptLongText.indexOf(', 9,')),
    );
    const bad = await openai.chat.completions
      .create({ model: 'long', messages: [{ role: 'user', content: 'x' }], presence_penalty: 3 })
      .catch((err: unknown) => err);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect((bad as Error).message).toContain('presence_penalty');
  });

  it.each([
    ['tools.0.function.name', { tools: [{ type: 'function', function: { name: 'f g' } }] }],
    ['tool_choice', { tool_choice: 'required' }],
    [
      'response_format.json_schema.schema.properties.age.minimum',
      {
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'person',
            schema: { type: 'object', properties: { age: { type: 'integer', minimum: 0 } } },
          },
        },
      },
    ],
    ['logprobs', { logprobs: true }],
    ['top_logprobs', { top_logprobs: 3 }],
    ['n', { n: 2 }],
    ['audio', { audio: { voice: 'alloy', format: 'wav' } }],
    ['logit_bias', { logit_bias: { '15': 5 } }],
    [
      'messages.0.content.0.type',
      {
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] },
        ],
      },
    ],
    [
      'messages.1.role',
      {
        messages: [
          { role: 'user', content: 'x' },
          { role: 'function', name: 'f', content: 'y' },
        ],
      },
    ],
  ])('refuses %s by name rather than drop it', async (field, extra) => {
    const request = { model: 'long', messages: [{ role: 'user', content: 'x' }], ...extra };
    const err = await openai.chat.completions
      .create(request as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    // The official client keeps the answer's `error` object as it came.
    const { error } = err as {
      error: { code: string; message: string; details: { fields: string[] } };
    };
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.details.fields).toEqual([field]);
    expect(error.message).toContain(`${field}: `);
  });

  it('accepts what asks for nothing: tools [], response_format text, logprobs false', async () => {
    const reply = await openai.chat.completions.create({
      model: 'long',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Count.' }] }],
      max_tokens: 4,
      tools: [],
      response_format: { type: 'text' },
      logprobs: false,
      n: 1,
    });
    expect(reply.choices[0]?.finish_reason).toBe('length');
  });

  it('measures a message in tokens against the context, not in characters', async () => {
    // 40,000 characters: once refused as over 32,768 characters whatever the context.
    const err = await openai.chat.completions
      .create({ model: 'long', messages: [{ role: 'user', content: 'x'.repeat(40_000) }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toMatch(
      new RegExp(
        `messages: the input \\(at least \\d+ tokens\\) does not fit the context of "long" \\(${CTX} tokens`,
      ),
    );
  });

  it('accepts a bodiless request sent with a JSON content type', async () => {
    const accepted = await daemon.call('POST', API.tasks, {
      model: 'long',
      prompt: 'Go',
      max_tokens: 300,
    });
    const id = (accepted.json as { job_id: string }).job_id;
    const answer = await fetch(`${daemon.url}${API.task(id)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${daemon.token}`, 'content-type': 'application/json' },
    });
    expect(answer.status, await answer.clone().text()).toBeLessThan(300);
    // A route that needs a body still says so, naming it.
    const empty = await fetch(`${daemon.url}${API.chatCompletions}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${daemon.token}`, 'content-type': 'application/json' },
    });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { message: string } }).error.message).toMatch(
      /^Invalid request\. body: /,
    );
  });

  it('answers to a name in RBEES_ALLOWED_HOSTS, and to no other', async () => {
    const port = Number(new URL(daemon.url).port);
    const get = (host: string) =>
      rawRequest(
        port,
        `GET ${API.openaiModels} HTTP/1.1\r\nHost: ${host}\r\n` +
          `Authorization: Bearer ${daemon.token}\r\nConnection: close\r\n\r\n`,
      );
    expect((await get(`host.docker.internal:${port}`)).status).toBe(200);
    expect((await get('NAS.lan')).status).toBe(200);
    const foreign = await get(`evil.example:${port}`);
    expect(foreign.status).toBe(403);
    expect(foreign.text).toContain('RBEES_ALLOWED_HOSTS');
  });
});
