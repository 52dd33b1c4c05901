import { describe, expect, it } from 'vitest';
import { RbeesError } from './errors';
import { ExecuteRequestSchema, TaskRequestSchema } from './schemas';
import { parseBody } from './validation';

const valid = { job_id: 'j1', prompt: 'Hello', max_tokens: 16 };

function problem(body: unknown): string {
  try {
    parseBody(ExecuteRequestSchema, body);
  } catch (err) {
    expect(err).toBeInstanceOf(RbeesError);
    expect((err as RbeesError).code).toBe('BAD_REQUEST');
    return (err as RbeesError).message;
  }
  throw new Error('expected a validation error');
}

describe('request validation (SYS-5.4 limits)', () => {
  it('accepts a valid request and fills the default temperature', () => {
    expect(parseBody(ExecuteRequestSchema, valid)).toMatchObject({ ...valid, temperature: 0.7 });
  });

  it('names the bad field', () => {
    expect(problem({ ...valid, max_tokens: 2 ** 21 })).toMatch(/^Invalid request\. max_tokens: /);
    expect(problem({ ...valid, max_tokens: 0 })).toContain('max_tokens');
    expect(problem({ ...valid, temperature: 2.5 })).toContain('temperature');
    expect(problem({ ...valid, prompt: '' })).toContain('prompt');
    expect(problem({ ...valid, stop: ['a', 'b', 'c', 'd', 'e'] })).toContain('stop');
    expect(problem({ prompt: 'x', max_tokens: 1 })).toContain('job_id');
    expect(problem('not an object')).toContain('body');
  });

  it('wants exactly one of prompt, messages and embed', () => {
    const messages = [{ role: 'user', content: 'hi' }];
    expect(
      parseBody(ExecuteRequestSchema, { job_id: 'j', messages, max_tokens: 1 }).messages,
    ).toEqual(messages);
    expect(problem({ job_id: 'j', max_tokens: 1 })).toContain(
      'exactly one of "prompt", "messages" or "embed"',
    );
    expect(problem({ ...valid, messages })).toContain('exactly one');
    expect(problem({ ...valid, embed: ['x'] })).toContain('exactly one');
    expect(
      parseBody(ExecuteRequestSchema, { job_id: 'j', embed: ['a'], max_tokens: 1 }).embed,
    ).toEqual(['a']);
    expect(
      problem({ job_id: 'j', max_tokens: 1, messages: [{ role: 'robot', content: 'x' }] }),
    ).toContain('messages.0.role');
  });

  it('checks task priorities', () => {
    const task = { model: 'tiny', prompt: 'hi', max_tokens: 4 };
    expect(parseBody(TaskRequestSchema, task).priority).toBe('interactive');
    expect(() => parseBody(TaskRequestSchema, { ...task, priority: 'urgent' })).toThrow(/priority/);
    expect(() => parseBody(TaskRequestSchema, { prompt: 'hi', max_tokens: 4 })).toThrow(/model/);
  });
});
