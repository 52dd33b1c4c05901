import { describe, expect, it } from 'vitest';
import { TaskRequestSchema } from './schemas';

const parse = (extra: Record<string, unknown>) =>
  TaskRequestSchema.safeParse({
    model: 'm',
    max_tokens: 8,
    messages: [{ role: 'user', content: 'hi' }],
    ...extra,
  });
const issues = (extra: Record<string, unknown>) =>
  (parse(extra).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('tool fields of a task', () => {
  const tools = [{ name: 'f', parameters: { type: 'object' } }];

  it('accepts tools, a choice among them and an answered call', () => {
    const call = { id: 'c', name: 'f', arguments: '{}' };
    const parsed = parse({
      tools,
      tool_choice: { name: 'f' },
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: '', tool_calls: [call] },
        { role: 'tool', tool_call_id: 'c', content: '1' },
      ],
    });
    expect(parsed.error).toBeUndefined();
  });

  it('names each incoherent field', () => {
    expect(issues({ tools, tool_choice: { name: 'g' } })).toEqual([
      'tool_choice: tool_choice names "g", which is not among the tools',
    ]);
    expect(issues({ tools, format: { type: 'json' } })).toEqual([
      'format: a reply format and tools cannot be combined: set tool_choice to "none"',
    ]);
    expect(issues({ tools, format: { type: 'json' }, tool_choice: 'none' })).toEqual([]);
    expect(issues({ tools, messages: undefined, prompt: 'p' })).toEqual([
      'tools: tools need "messages": a raw prompt has no turn to call them in',
    ]);
    expect(
      issues({
        messages: [
          { role: 'assistant', content: '', tool_calls: [{ id: 'c', name: 'f', arguments: '' }] },
          { role: 'user', content: 'hi' },
          { role: 'tool', tool_call_id: 'c', content: '1' },
        ],
      }),
    ).toEqual([
      'messages.0.tool_calls: tool call "c" has no tool result answering it',
      'messages.2.tool_call_id: "c" answers no unanswered tool call of the message before it',
    ]);
  });
});
