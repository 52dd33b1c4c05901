/**
 * Anthropic's Messages API through the built daemon, seen with the official `@anthropic-ai/sdk`
 * as Claude Code uses it: text whole and streamed (its event sequence, parsed by the SDK's own
 * MessageStream), stop reasons, tool use in the template's syntax and forced by `any` / `tool`, a
 * tool_result loop, count_tokens, and its error shapes with the token as x-api-key or bearer.
 */
import Anthropic from '@anthropic-ai/sdk';
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
let client: Anthropic;
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
  client = new Anthropic({ baseURL: daemon.url, apiKey: daemon.token, maxRetries: 0 });
});

afterAll(async () => {
  await daemon?.stop();
});

const ASK = [{ role: 'user' as const, content: 'What is the weather in Paris?' }];
const WEATHER: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Weather now',
  input_schema: {
    type: 'object',
    properties: { city: { enum: ['Paris', 'Oslo'] } },
    required: ['city'],
  },
};
const textOf = (message: Anthropic.Message) =>
  message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');

describe('messages', () => {
  it('answers whole, with end_turn and usage', async () => {
    const message = await client.messages.create({
      model: 'script',
      max_tokens: 64,
      system: 'Be brief.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: 'script' });
    expect(message.id).toMatch(/^msg_/);
    expect(textOf(message)).toBe(models.scriptText);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(5);
    expect(message.usage.output_tokens).toBeGreaterThan(5);
  });

  it('streams Anthropic’s event sequence, which the SDK puts back together', async () => {
    const stream = client.messages.stream({ model: 'script', max_tokens: 64, messages: ASK });
    const types: string[] = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const message = await stream.finalMessage();
    expect(textOf(message)).toBe(models.scriptText);
    expect(types.slice(0, 2)).toEqual(['message_start', 'content_block_start']);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(types.filter((t) => t === 'content_block_delta').length).toBeGreaterThan(5);
    expect(message.usage.input_tokens).toBeGreaterThan(5);
  });

  it('says max_tokens and which stop sequence ended a reply', async () => {
    const short = await client.messages.create({ model: 'script', max_tokens: 3, messages: ASK });
    expect(short.stop_reason).toBe('max_tokens');
    expect(short.usage.output_tokens).toBe(3);
    const stopped = await client.messages.create({
      model: 'script',
      max_tokens: 64,
      stop_sequences: ['nothing', ' fox'],
      messages: ASK,
    });
    expect(stopped.stop_reason).toBe('stop_sequence');
    expect(stopped.stop_sequence).toBe(' fox');
    expect(textOf(stopped)).toBe(models.scriptText.slice(0, models.scriptText.indexOf(' fox')));
  });

  it('counts the input tokens as the message would use them', async () => {
    const request = { model: 'tiny', system: 'Be brief.', messages: ASK, tools: [WEATHER] };
    const counted = await client.messages.countTokens(request);
    const message = await client.messages.create({ ...request, max_tokens: 2 });
    expect(counted.input_tokens).toBe(message.usage.input_tokens);
  });
});

describe('tool use', () => {
  it('finds a call in the template’s syntax: tool_use block, stop_reason tool_use', async () => {
    for (const streamed of [false, true]) {
      const request = { model: 'script-tool', max_tokens: 60, messages: ASK, tools: [WEATHER] };
      const message = streamed
        ? await client.messages.stream(request).finalMessage()
        : await client.messages.create(request);
      expect(message.stop_reason).toBe('tool_use');
      const [use, ...more] = message.content;
      expect(more).toEqual([]);
      expect(use).toMatchObject({ type: 'tool_use', name: SCRIPT_TOOL_CALL.name });
      expect(use?.type === 'tool_use' && use.input).toEqual(SCRIPT_TOOL_CALL.arguments);
    }
  });

  it.each([
    ['any', { type: 'any' } as const],
    ['tool', { type: 'tool', name: 'get_time' } as const],
  ])('tool_choice %s forces a valid call', async (_, tool_choice) => {
    const time: Anthropic.Tool = {
      name: 'get_time',
      input_schema: { type: 'object', properties: { hours: { type: 'integer' } } },
    };
    const message = await client.messages.create({
      model: 'tiny',
      max_tokens: 200,
      messages: ASK,
      tools: [WEATHER, time],
      tool_choice,
    });
    expect(message.stop_reason).toBe('tool_use');
    const use = message.content.find((block) => block.type === 'tool_use');
    if (use?.type !== 'tool_use') throw new Error('no tool_use');
    if (tool_choice.type === 'tool') expect(use.name).toBe('get_time');
    const input = use.input as Record<string, unknown>;
    if (use.name === 'get_time') expect(Number.isInteger(input.hours)).toBe(true);
    else expect(['Paris', 'Oslo']).toContain(input.city);
  });

  it('takes the tool_result back and answers', async () => {
    const first = await client.messages.create({
      model: 'tiny',
      max_tokens: 200,
      messages: ASK,
      tools: [WEATHER],
      tool_choice: { type: 'any' },
    });
    const use = first.content.find((block) => block.type === 'tool_use');
    if (use?.type !== 'tool_use') throw new Error('no tool_use');
    const final = await client.messages.create({
      model: 'tiny',
      max_tokens: 8,
      // Anthropic's API has no seed: at 0 the random weights answer the same every run (this
      // SDK's types leave temperature out; the API takes it).
      ...({ temperature: 0 } as object),
      tools: [WEATHER],
      tool_choice: { type: 'none' },
      messages: [
        ...ASK,
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: use.id, content: 'sunny, 21 °C' },
            { type: 'text', text: 'Thanks. Summarise.' },
          ],
        },
      ],
    });
    expect(['end_turn', 'max_tokens']).toContain(final.stop_reason);
    expect(final.usage.output_tokens).toBeGreaterThan(0);
    expect(final.content.every((block) => block.type === 'text')).toBe(true);
    expect(final.usage.input_tokens).toBeGreaterThan(first.usage.input_tokens / 2);
  });
});

describe('errors in Anthropic’s shape', () => {
  it('takes the token as x-api-key or bearer, and refuses a wrong one', async () => {
    const bearer = new Anthropic({ baseURL: daemon.url, authToken: daemon.token, apiKey: null });
    const message = await bearer.messages.create({ model: 'script', max_tokens: 4, messages: ASK });
    expect(message.stop_reason).toBe('max_tokens');
    const wrong = new Anthropic({ baseURL: daemon.url, apiKey: 'wrong', maxRetries: 0 });
    const err = await wrong.messages
      .create({ model: 'script', max_tokens: 4, messages: ASK })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((err as { error: { error: { type: string } } }).error.error.type).toBe(
      'authentication_error',
    );
  });

  it.each([
    [
      'an image block',
      {
        messages: [
          { role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'x' } }] },
        ],
      },
      /messages\.0\.content\.0.*"image"/,
    ],
    ['a server tool', { tools: [{ type: 'web_search_20250305', name: 'web' }] }, /server tools/],
    ['an unknown model', { model: 'nope' }, /nope/],
    [
      'an unanswered tool_use',
      {
        messages: [
          ...ASK,
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
          { role: 'user', content: 'well?' },
        ],
      },
      /"t1" has no tool result/,
    ],
  ])('refuses %s by name', async (_, extra, message) => {
    const body = { model: 'script', max_tokens: 8, messages: ASK, ...extra };
    const err = await client.messages
      .create(body as Anthropic.MessageCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    const { error } = (err as { error: { type: string; error: { type: string; message: string } } })
      .error;
    expect(error.type).toMatch(/invalid_request_error|not_found_error/);
    expect(error.message).toMatch(message);
  });
});
