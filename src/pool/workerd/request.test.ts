import { describe, expect, it } from 'vitest';
import { RbeesError } from '../../shared/errors';
import { parseCancelRequest, parseExecuteRequest } from './request';

function badRequest(body: unknown): RbeesError {
  try {
    parseExecuteRequest(body);
  } catch (err) {
    if (err instanceof RbeesError) return err;
    throw err;
  }
  throw new Error('accepted');
}

describe('parseExecuteRequest', () => {
  it('accepts a prompt and fills in the default temperature', () => {
    expect(parseExecuteRequest({ job_id: 'j', prompt: 'Hi', max_tokens: 8 })).toEqual({
      job_id: 'j',
      prompt: 'Hi',
      max_tokens: 8,
      temperature: 0.7,
    });
  });

  it('accepts messages with every sampling option', () => {
    const req = parseExecuteRequest({
      job_id: 'j',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 2048,
      temperature: 0,
      top_p: 0.9,
      top_k: 40,
      repetition_penalty: 1.1,
      stop: ['\n\n'],
      seed: 7,
    });
    expect(req.messages).toHaveLength(1);
    expect(req.seed).toBe(7);
  });

  it('names the field: max_tokens past the sanity bound', () => {
    const err = badRequest({ job_id: 'j', prompt: 'Hi', max_tokens: 2 ** 21 });
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/max_tokens: .*1048576/);
    expect(err.details).toEqual({ fields: ['max_tokens'] });
  });

  it.each([
    [{ prompt: 'Hi', max_tokens: 8 }, 'job_id'],
    [{ job_id: 'j', max_tokens: 8 }, 'prompt'],
    [
      { job_id: 'j', prompt: 'Hi', messages: [{ role: 'user', content: 'x' }], max_tokens: 8 },
      'prompt',
    ],
    [{ job_id: 'j', prompt: 'Hi' }, 'max_tokens'],
    [{ job_id: 'j', prompt: 'Hi', max_tokens: 8, temperature: 3 }, 'temperature'],
    [{ job_id: 'j', prompt: 'Hi', max_tokens: 8, stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
    [
      { job_id: 'j', messages: [{ role: 'tool', content: 'x' }], max_tokens: 8 },
      'messages.0.tool_call_id',
    ],
    [
      { job_id: 'j', messages: [{ role: 'robot', content: 'x' }], max_tokens: 8 },
      'messages.0.role',
    ],
    [{ job_id: 'j', prompt: 'Hi', max_tokens: 8, repetition_penalty: 0 }, 'repetition_penalty'],
  ])('rejects %j naming %s', (body, field) => {
    const err = badRequest(body);
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toContain(`${field}:`);
  });

  it('rejects a body that is not an object', () => {
    expect(badRequest(undefined).message).toContain('body:');
  });
});

describe('parseCancelRequest', () => {
  it('needs a job_id', () => {
    expect(parseCancelRequest({ job_id: 'j' })).toEqual({ job_id: 'j' });
    expect(() => parseCancelRequest({})).toThrow(/job_id/);
  });
});
