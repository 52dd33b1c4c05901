import { describe, expect, it } from 'vitest';
import { toRepeatPenalty, toStopReason } from './generation';
import { toChatHistory } from './tools';

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
  it('maps repetition_penalty and the OpenAI penalties', () => {
    expect(toRepeatPenalty({})).toBeUndefined();
    expect(toRepeatPenalty({ repetition_penalty: 1 })).toBe(false);
    expect(toRepeatPenalty({ presence_penalty: 0, frequency_penalty: 0 })).toBe(false);
    expect(toRepeatPenalty({ repetition_penalty: 1.2 })).toEqual({ penalty: 1.2 });
    expect(toRepeatPenalty({ presence_penalty: -0.5, frequency_penalty: 1.5 })).toEqual({
      presencePenalty: -0.5,
      frequencyPenalty: 1.5,
    });
  });

  it('maps node-llama-cpp stop reasons', () => {
    expect(toStopReason('eogToken')).toBe('eos');
    expect(toStopReason('stopGenerationTrigger')).toBe('eos');
    expect(toStopReason('customStopTrigger')).toBe('stop_sequence');
    expect(toStopReason('maxTokens')).toBe('max_tokens');
    expect(toStopReason('abort')).toBe('cancelled');
  });
});
