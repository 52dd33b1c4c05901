import Ajv from 'ajv';
import { ChatMLChatWrapper, Llama2ChatWrapper } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../shared/inference';
import { grammarSchema } from '../../shared/json-schema';
import { parseForcedCall, planTools, toChatHistory } from './tools';

const weather = {
  name: 'get_weather',
  parameters: grammarSchema({ type: 'object', properties: { city: { type: 'string' } } }),
};
const LOOP: ChatMessage[] = [
  { role: 'user', content: 'Weather in Paris?' },
  {
    role: 'assistant',
    content: '',
    tool_calls: [{ id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
  },
  { role: 'tool', tool_call_id: 'c1', content: '{"sky":"sunny"}' },
];

describe('planTools', () => {
  it('offers nothing for none or no tools, functions for auto', () => {
    expect(planTools({ tools: [weather], tool_choice: 'none' })).toEqual({ kind: 'none' });
    expect(planTools({})).toEqual({ kind: 'none' });
    const auto = planTools({ tools: [weather], parallel_tool_calls: false });
    expect(auto).toMatchObject({ kind: 'auto', maxParallel: 1 });
    if (auto.kind !== 'auto') throw new Error(auto.kind);
    expect(Object.keys(auto.functions)).toEqual(['get_weather']);
  });

  it('forces a call as JSON whose schema admits only the offered tools', () => {
    const refs = grammarSchema({
      type: 'object',
      properties: { at: { $ref: '#/$defs/place' } },
      required: ['at'],
      $defs: { place: { type: 'object', properties: { lat: { type: 'number' } } } },
    });
    const plan = planTools({
      tools: [weather, { name: 'go', parameters: refs }],
      tool_choice: 'required',
    });
    if (plan.kind !== 'forced') throw new Error(plan.kind);
    expect(plan.note).toContain('get_weather');
    const valid = new Ajv({ strict: false }).compile(plan.schema);
    expect(valid({ name: 'get_weather', arguments: { city: 'Oslo' } })).toBe(true);
    // Each tool's $defs moved to the root under its own name, its $ref with them.
    expect(valid({ name: 'go', arguments: { at: { lat: 1 } } })).toBe(true);
    expect(valid({ name: 'go', arguments: { at: { lat: 'x' } } })).toBe(false);
    expect(valid({ name: 'other', arguments: {} })).toBe(false);
    const named = planTools({ tools: [weather, { name: 'go' }], tool_choice: { name: 'go' } });
    if (named.kind !== 'forced') throw new Error(named.kind);
    expect(named.schema.properties).toMatchObject({ name: { const: 'go' } });
  });

  it('reads a forced reply back, or nothing when it was cut short', () => {
    expect(parseForcedCall('{"name":"go","arguments":{"a":1}}')).toEqual({
      name: 'go',
      arguments: '{"a":1}',
    });
    expect(parseForcedCall('{"name":"go","argu')).toBeUndefined();
  });
});

describe('toChatHistory with tools', () => {
  it('gives each call its result and continues the same turn', () => {
    expect(toChatHistory(LOOP)).toEqual([
      { type: 'user', text: 'Weather in Paris?' },
      {
        type: 'model',
        response: [
          {
            type: 'functionCall',
            name: 'get_weather',
            params: { city: 'Paris' },
            result: { sky: 'sunny' },
            startsNewChunk: true,
          },
        ],
      },
    ]);
  });

  it('appends the answer after the results to that turn; a plain result stays text', () => {
    const history = toChatHistory([
      ...LOOP.slice(0, 2),
      { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
      { role: 'assistant', content: 'It is sunny.' },
      { role: 'user', content: 'Thanks' },
    ]);
    expect(history).toHaveLength(4);
    expect(history[1]).toMatchObject({
      response: [{ result: 'sunny' }, 'It is sunny.'],
    });
    expect(history.at(-1)).toEqual({ type: 'model', response: [] });
  });

  it.each([
    ['Llama 2', new Llama2ChatWrapper(), '||call: get_weather({"city": "Paris"})'],
    ['ChatML', new ChatMLChatWrapper(), '{"sky": "sunny"}'],
  ])('renders the call and result in the %s template syntax', (_, wrapper, expected) => {
    const { contextText } = wrapper.generateContextState({ chatHistory: toChatHistory(LOOP) });
    const prompt = contextText.toString();
    expect(prompt).toContain(expected);
    expect(prompt).toContain('Weather in Paris?');
  });

  it('adds the forced call instructions as a system message', () => {
    const plan = planTools({ tools: [weather], tool_choice: 'required' });
    expect(toChatHistory(LOOP.slice(0, 1), plan)[0]).toMatchObject({ type: 'system' });
  });
});
