/**
 * Tools through the built daemon, seen with the official `openai` client as apps use it: the
 * tool model writes node-llama-cpp's call syntax whatever it is asked, so `auto` proves the call
 * is found in the template's syntax; the random-weights model writes whatever a grammar allows,
 * so a `required` or named call that names an offered tool with valid arguments proves the
 * grammar. A multi-round loop gives the model its call and the tool's result back.
 */
import Ajv from 'ajv';
import OpenAI from 'openai';
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels, SCRIPT_TOOL_CALL } from '../../../../../scripts/test-models';
import {
  startDaemonProcess,
  type DaemonProcess,
} from '../../../../../scripts/testing/daemon-process';

let daemon: DaemonProcess;
let openai: OpenAI;

beforeAll(async () => {
  const models = await ensureTestModels();
  daemon = await startDaemonProcess({
    models: [
      { path: models.tiny, as: 'tiny.gguf' },
      { path: models.scriptTool, as: 'script-tool.gguf' },
    ],
  });
  openai = new OpenAI({ baseURL: `${daemon.url}/v1`, apiKey: daemon.token, maxRetries: 0 });
});

afterAll(async () => {
  await daemon?.stop();
});

/*
 * No free strings: at temperature 0 random weights write one until the budget ends; and no
 * length bounds: llama.cpp's grammar counts an overlong or surrogate UTF-8 sequence (which random
 * weights write with byte tokens) as one character, the text decoder as several U+FFFD, so a
 * string can pass the grammar's maxLength and fail ajv's (environment.md). The tool model writes
 * "Paris".
 */
const WEATHER = {
  type: 'object',
  properties: {
    city: { enum: ['Paris', 'Oslo'] },
  },
  required: ['city'],
  additionalProperties: false,
};
const TIME = {
  type: 'object',
  properties: {
    zone: { enum: ['UTC', 'CET'] },
    hours: { type: 'integer' },
    dst: { type: 'boolean' },
  },
  required: ['zone', 'hours'],
  additionalProperties: false,
};
const TOOLS: ChatCompletionTool[] = [
  {
    type: 'function',
    function: { name: 'get_weather', description: 'Weather now', parameters: WEATHER },
  },
  { type: 'function', function: { name: 'get_time', description: 'Time', parameters: TIME } },
];
const ajv = new Ajv({ strict: true });
const VALID: Record<string, ReturnType<typeof ajv.compile>> = {
  get_weather: ajv.compile(WEATHER),
  get_time: ajv.compile(TIME),
};
const ASK = [{ role: 'user' as const, content: 'What is the weather in Paris?' }];

describe('tool_choice "auto": the model calls in its template syntax', () => {
  it('answers with tool_calls, finish_reason tool_calls and no content', async () => {
    const reply = await openai.chat.completions.create({
      model: 'script-tool',
      messages: ASK,
      tools: TOOLS,
      max_tokens: 60,
    });
    const choice = reply.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const [call, ...more] = choice.message.tool_calls ?? [];
    expect(more).toEqual([]);
    expect(call?.type).toBe('function');
    expect(call?.id).toMatch(/^call_[\w-]{16}$/);
    if (call?.type !== 'function') throw new Error('not a function call');
    expect(call.function.name).toBe(SCRIPT_TOOL_CALL.name);
    expect(JSON.parse(call.function.arguments)).toEqual(SCRIPT_TOOL_CALL.arguments);
  });

  it('streams the call as a tool_calls delta with its index, as OpenAI does', async () => {
    const stream = openai.chat.completions.stream({
      model: 'script-tool',
      messages: ASK,
      tools: TOOLS,
      parallel_tool_calls: false,
      max_tokens: 60,
    });
    const indexes: number[] = [];
    stream.on('chunk', (chunk) => {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) indexes.push(call.index);
    });
    const final = await stream.finalChatCompletion();
    expect(indexes).toEqual([0]);
    const choice = final.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('not a function call');
    expect(call.function.name).toBe(SCRIPT_TOOL_CALL.name);
    expect(JSON.parse(call.function.arguments)).toEqual(SCRIPT_TOOL_CALL.arguments);
  });

  it('"none" offers no tools: the same model answers in text', async () => {
    const reply = await openai.chat.completions.create({
      model: 'script-tool',
      messages: ASK,
      tools: TOOLS,
      tool_choice: 'none',
      max_tokens: 60,
    });
    expect(reply.choices[0]?.finish_reason).toBe('stop');
    expect(reply.choices[0]?.message.tool_calls).toBeUndefined();
    expect(reply.choices[0]?.message.content).toContain('get_weather');
  });
});

describe('tool_choice "required" and a named function: enforced by a grammar', () => {
  it.each([0, 1, 1.8])(
    'calls an offered tool with valid arguments at temperature %d',
    async (t) => {
      const reply = await openai.chat.completions.create({
        model: 'tiny',
        messages: ASK,
        tools: TOOLS,
        tool_choice: 'required',
        temperature: t,
        seed: 5,
        max_tokens: 300,
      });
      const choice = reply.choices[0]!;
      expect(choice.finish_reason).toBe('tool_calls');
      const call = choice.message.tool_calls?.[0];
      if (call?.type !== 'function') throw new Error('not a function call');
      const validate = VALID[call.function.name];
      expect(validate, call.function.name).toBeDefined();
      expect(validate?.(JSON.parse(call.function.arguments)), call.function.arguments).toBe(true);
    },
  );

  it('calls the named function, streamed', async () => {
    const stream = openai.chat.completions.stream({
      model: 'tiny',
      messages: ASK,
      tools: TOOLS,
      tool_choice: { type: 'function', function: { name: 'get_time' } },
      temperature: 1,
      seed: 3,
      max_tokens: 300,
    });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('not a function call');
    expect(call.function.name).toBe('get_time');
    expect(VALID.get_time?.(JSON.parse(call.function.arguments))).toBe(true);
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  });
});

describe('a multi-round tool loop', () => {
  it('gives the model its call and the result, then it answers', async () => {
    const first = await openai.chat.completions.create({
      model: 'tiny',
      messages: ASK,
      tools: TOOLS,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      max_tokens: 300,
    });
    const message = first.choices[0]!.message;
    const call = message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('not a function call');
    const result = JSON.stringify({ city: 'Paris', sky: 'sunny with a light breeze', temp_c: 21 });
    const round = (tool_choice: 'auto' | 'none', answered = true) =>
      openai.chat.completions.create({
        model: 'tiny',
        messages: answered
          ? [...ASK, message, { role: 'tool', tool_call_id: call.id, content: result }]
          : ASK,
        tools: TOOLS,
        tool_choice,
        max_tokens: 8,
        temperature: 0,
      });
    const second = await round('none');
    expect(second.choices[0]?.message.tool_calls).toBeUndefined();
    expect(second.usage?.completion_tokens).toBeGreaterThan(0);
    // The call and its result are in the prompt: at least one token per 8 characters of them.
    const unanswered = await round('none', false);
    const grew = second.usage!.prompt_tokens - unanswered.usage!.prompt_tokens;
    expect(grew).toBeGreaterThan((result.length + call.function.arguments.length) / 8);
    // With the tools offered again, the model may answer or call again: both are served.
    const third = await round('auto');
    expect(['stop', 'length', 'tool_calls']).toContain(third.choices[0]?.finish_reason);
  });
});

describe('tool requests rbees cannot serve are refused by name', () => {
  const refusal = async (body: Record<string, unknown>) => {
    const res = await fetch(`${daemon.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${daemon.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny', messages: ASK, max_tokens: 8, ...body }),
    });
    expect(res.status).toBe(400);
    return ((await res.json()) as { error: { message: string } }).error.message;
  };
  const calling = {
    role: 'assistant',
    content: null,
    tool_calls: [
      { id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
    ],
  };

  it.each([
    [{ tools: TOOLS, tool_choice: { type: 'function', function: { name: 'nope' } } }, /"nope"/],
    [{ tool_choice: 'required' }, /needs tools/],
    [{ tools: TOOLS, response_format: { type: 'json_object' } }, /response_format.*tool_choice/],
    [{ tools: [TOOLS[0], TOOLS[0]] }, /two tools are named "get_weather"/],
    [{ messages: [...ASK, calling] }, /"c1" has no tool result/],
    [{ messages: [...ASK, { role: 'tool', tool_call_id: 'x', content: '1' }] }, /"x" answers no/],
    [{ messages: [...ASK, { role: 'tool', content: '1' }] }, /needs the tool_call_id/],
    [{ functions: [{ name: 'f' }] }, /deprecated form of tools/],
    [{ tools: [{ type: 'function', function: { name: 'has space' } }] }, /tool name/],
  ])('%j', async (body, message) => {
    expect(await refusal(body)).toMatch(message);
  });
});
