import { describe, expect, it } from 'vitest';
import { toChatHistory, toRepeatPenalty, toStopReason } from './generation';

describe('toChatHistory', () => {
  it('maps roles and adds the turn the model writes', () => {
    expect(
      toChatHistory([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ]),
    ).toEqual([
      { type: 'system', text: 'Be brief.' },
      { type: 'user', text: 'Hi' },
      { type: 'model', response: [] },
    ]);
  });

  it('continues a last assistant message instead of starting a new one', () => {
    expect(
      toChatHistory([
        { role: 'user', content: 'Count' },
        { role: 'assistant', content: '1, 2,' },
      ]),
    ).toEqual([
      { type: 'user', text: 'Count' },
      { type: 'model', response: ['1, 2,'] },
    ]);
  });
});

describe('sampling and stop mapping', () => {
  it('maps repetition_penalty', () => {
    expect(toRepeatPenalty(undefined)).toBeUndefined();
    expect(toRepeatPenalty(1)).toBe(false);
    expect(toRepeatPenalty(1.2)).toEqual({ penalty: 1.2 });
  });

  it('maps node-llama-cpp stop reasons', () => {
    expect(toStopReason('eogToken')).toBe('eos');
    expect(toStopReason('stopGenerationTrigger')).toBe('eos');
    expect(toStopReason('customStopTrigger')).toBe('stop_sequence');
    expect(toStopReason('maxTokens')).toBe('max_tokens');
    expect(toStopReason('abort')).toBe('cancelled');
  });
});
