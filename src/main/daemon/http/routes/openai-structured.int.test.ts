/**
 * Structured output through the built daemon, seen with the official `openai` client: replies
 * to `response_format` json_schema validate against the schema (ajv, what apps check with) at
 * any temperature, whole and streamed, and json_object gives an object. The random-weights model
 * writes whatever the grammar allows, so only the grammar makes the reply valid.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels } from '../../../../../scripts/test-models';
import {
  startDaemonProcess,
  type DaemonProcess,
} from '../../../../../scripts/testing/daemon-process';

let daemon: DaemonProcess;
let openai: OpenAI;

beforeAll(async () => {
  const models = await ensureTestModels();
  daemon = await startDaemonProcess({ models: [{ path: models.tiny, as: 'tiny.gguf' }] });
  openai = new OpenAI({ baseURL: `${daemon.url}/v1`, apiKey: daemon.token, maxRetries: 0 });
});

afterAll(async () => {
  await daemon?.stop();
});

/** A schema with what apps send: required and optional fields, enums, anyOf, a date. */
const PERSON = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 12 },
    age: { type: 'integer' },
    pets: { type: 'array', items: { enum: ['cat', 'dog'] }, maxItems: 3 },
    home: { anyOf: [{ type: 'null' }, { type: 'string', format: 'date' }] },
    kind: { oneOf: [{ const: 'human' }, { const: 'bot' }] },
  },
  required: ['name', 'age'],
  additionalProperties: false,
};
const ajv = new Ajv({ strict: true });
addFormats(ajv);
const validPerson = ajv.compile(PERSON);

describe('response_format through /v1', () => {
  it.each([0, 1, 1.8])(
    'answers json_schema with JSON valid against the schema, at temperature %d',
    async (temperature) => {
      const format = {
        type: 'json_schema' as const,
        json_schema: { name: 'person', schema: PERSON, strict: true },
      };
      const request = {
        model: 'tiny',
        messages: [{ role: 'user' as const, content: 'Who are you?' }],
        response_format: format,
        max_tokens: 400,
        temperature,
        seed: 11,
      };
      const whole = await openai.chat.completions.create(request);
      expect(whole.choices[0]?.finish_reason).toBe('stop');
      const reply = JSON.parse(whole.choices[0]?.message.content ?? '') as unknown;
      expect(validPerson(reply), whole.choices[0]?.message.content ?? '').toBe(true);

      let streamed = '';
      for await (const chunk of await openai.chat.completions.create({
        ...request,
        stream: true,
      })) {
        streamed += chunk.choices[0]?.delta.content ?? '';
      }
      expect(validPerson(JSON.parse(streamed)), streamed).toBe(true);
    },
  );

  it('answers json_object with a JSON object', async () => {
    const reply = await openai.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: 'Anything.' }],
      response_format: { type: 'json_object' },
      max_tokens: 400,
      temperature: 1,
    });
    expect(reply.choices[0]?.finish_reason).toBe('stop');
    const parsed = JSON.parse(reply.choices[0]?.message.content ?? '') as unknown;
    expect(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)).toBe(true);
  });
});
