/**
 * Ollama's API through the built daemon, seen with the official `ollama` client as apps use it
 * (the bearer token in its headers): tags, show, ps, version, chat and generate streamed (NDJSON)
 * and not, `format` json and a schema, `options`, tools with a tool-result loop, and errors as
 * Ollama sends them.
 */
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureTestModels,
  SCRIPT_TOOL_CALL,
  type TestModels,
} from '../../../../../scripts/test-models';
import {
  startDaemonProcess,
  type DaemonProcess,
} from '../../../../../scripts/testing/daemon-process';

let daemon: DaemonProcess;
let ollama: Ollama;
let models: TestModels;

beforeAll(async () => {
  models = await ensureTestModels();
  daemon = await startDaemonProcess({
    models: [
      { path: models.tiny, as: 'tiny.gguf' },
      { path: models.script, as: 'script.gguf' },
      { path: models.scriptTool, as: 'script-tool.gguf' },
    ],
  });
  ollama = new Ollama({ host: daemon.url, headers: { Authorization: `Bearer ${daemon.token}` } });
});

afterAll(async () => {
  await daemon?.stop();
});

const ASK = [{ role: 'user', content: 'What is the weather in Paris?' }];
const WEATHER = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather now',
    parameters: {
      type: 'object',
      required: ['city'],
      properties: { city: { type: 'string', enum: ['Paris', 'Oslo'] } },
    },
  },
};

describe('the model list', () => {
  it('lists, shows and reports the version; ps lists what a worker serves', async () => {
    const { models: listed } = await ollama.list();
    expect(listed.map((m) => m.name).sort()).toEqual([
      'script-tool:latest',
      'script:latest',
      'tiny:latest',
    ]);
    expect(listed[0]?.details.format).toBe('gguf');
    const shown = await ollama.show({ model: 'tiny:latest' });
    expect(shown.capabilities).toContain('tools');
    expect((await ollama.version()).version).toMatch(/^\d+\.\d+\.\d+$/);
    await ollama.generate({ model: 'script', prompt: 'Hi', stream: false });
    const { models: running } = await ollama.ps();
    expect(running.map((m) => m.name)).toContain('script:latest');
  });
});

describe('chat and generate', () => {
  it('chats, whole and streamed as NDJSON lines, with Ollama’s counts', async () => {
    const whole = await ollama.chat({ model: 'script', messages: ASK, stream: false });
    expect(whole.message.content).toBe(models.scriptText);
    expect(whole.done).toBe(true);
    expect(whole.done_reason).toBe('stop');
    expect(whole.eval_count).toBeGreaterThan(5);
    expect(whole.prompt_eval_count).toBeGreaterThan(5);
    let text = '';
    let lines = 0;
    let last: { done: boolean; done_reason?: string } | undefined;
    for await (const part of await ollama.chat({ model: 'script', messages: ASK, stream: true })) {
      text += part.message.content;
      lines++;
      last = part;
    }
    expect(text).toBe(models.scriptText);
    expect(lines).toBeGreaterThan(5);
    expect(last).toMatchObject({ done: true, done_reason: 'stop' });
  });

  it('generates, with options: num_predict and stop', async () => {
    const short = await ollama.generate({
      model: 'script:latest',
      prompt: 'Hi',
      stream: false,
      options: { num_predict: 3, num_ctx: 8192 },
    });
    expect(short.done_reason).toBe('length');
    expect(short.eval_count).toBe(3);
    let text = '';
    const stream = await ollama.generate({
      model: 'script',
      prompt: 'Hi',
      stream: true,
      options: { stop: [' fox'], temperature: 0 },
    });
    for await (const part of stream) text += part.response;
    expect(text).toBe(models.scriptText.slice(0, models.scriptText.indexOf(' fox')));
  });

  it('answers format "json" and a schema with valid JSON', async () => {
    const json = await ollama.chat({
      model: 'tiny',
      messages: ASK,
      format: 'json',
      stream: false,
      options: { num_predict: 300 },
    });
    expect(typeof JSON.parse(json.message.content)).toBe('object');
    const schema = {
      type: 'object',
      properties: { n: { type: 'integer' }, ok: { type: 'boolean' } },
      required: ['n', 'ok'],
    };
    const reply = await ollama.generate({
      model: 'tiny',
      prompt: 'x',
      format: schema,
      stream: false,
      options: { num_predict: 300 },
    });
    const value = JSON.parse(String(reply.response)) as { n: unknown; ok: unknown };
    expect(Number.isInteger(value.n)).toBe(true);
    expect(typeof value.ok).toBe('boolean');
  });
});

describe('tools', () => {
  it('calls a tool, streamed and not, and takes the result back', async () => {
    const whole = await ollama.chat({
      model: 'script-tool',
      messages: ASK,
      tools: [WEATHER],
      stream: false,
    });
    expect(whole.message.tool_calls).toEqual([{ function: SCRIPT_TOOL_CALL }]);
    const calls = [];
    for await (const part of await ollama.chat({
      model: 'script-tool',
      stream: true,
      messages: ASK,
      tools: [WEATHER],
    })) {
      calls.push(...(part.message.tool_calls ?? []));
    }
    expect(calls).toEqual([{ function: SCRIPT_TOOL_CALL }]);
    const final = await ollama.chat({
      model: 'tiny',
      stream: false,
      // Seeded: unseeded, the random weights may answer with tokens that carry no text.
      options: { num_predict: 8, temperature: 0, seed: 1 },
      messages: [
        ...ASK,
        whole.message,
        { role: 'tool', content: 'sunny', tool_name: 'get_weather' },
      ],
    });
    expect(final.eval_count).toBeGreaterThan(0);
    expect(final.message.tool_calls).toBeUndefined();
  });
});

describe('errors as Ollama sends them', () => {
  /** The client's ResponseError: Ollama's `error` string and the HTTP status. */
  const refusal = (request: Promise<unknown>) =>
    request.then(
      () => ({ status: 0, error: 'answered' }),
      (err: { status_code: number; error: string }) => ({
        status: err.status_code,
        error: err.error,
      }),
    );

  it('refuses a missing token, an unknown model, images and an unanswerable result', async () => {
    expect((await refusal(new Ollama({ host: daemon.url }).list())).status).toBe(401);
    const unknown = await refusal(ollama.chat({ model: 'nope', messages: ASK, stream: false }));
    expect(unknown.status).toBe(404);
    expect(unknown.error).toContain('nope');
    const images = await refusal(
      ollama.chat({
        model: 'tiny',
        messages: [{ role: 'user', content: 'x', images: ['aGk='] }],
        stream: false,
      }),
    );
    expect(images).toMatchObject({ status: 400 });
    expect(images.error).toContain('images are not supported');
    const unanswerable = await refusal(
      ollama.chat({
        model: 'tiny',
        messages: [...ASK, { role: 'tool', content: 'sunny' }],
        stream: false,
      }),
    );
    expect(unanswerable.error).toContain('this tool result answers no unanswered tool call');
  });
});
