import { describe, expect, it } from 'vitest';
import { RbeesError } from './errors';
import { modelIdFromFileName, resolveModelId } from './models';

describe('model ids', () => {
  it('is the file name without .gguf', () => {
    expect(modelIdFromFileName('Qwen3-0.6B-Q8_0.gguf')).toBe('Qwen3-0.6B-Q8_0');
    expect(modelIdFromFileName('/models/tiny.GGUF')).toBe('tiny');
    expect(modelIdFromFileName('notes.txt')).toBeUndefined();
    expect(modelIdFromFileName('big.gguf.partial')).toBeUndefined();
    expect(modelIdFromFileName('.gguf')).toBeUndefined();
    expect(modelIdFromFileName('.hidden.gguf')).toBeUndefined();
  });

  it('resolves exact ids, file names and unique case-insensitive matches', () => {
    const known = ['tiny', 'Llama-3-8B', 'llama-3-8b-q4'];
    expect(resolveModelId('tiny', known)).toBe('tiny');
    expect(resolveModelId('tiny.gguf', known)).toBe('tiny');
    expect(resolveModelId('llama-3-8B', known)).toBe('Llama-3-8B');
  });

  it('refuses unknown models with the list of what exists', () => {
    const attempt = () => resolveModelId('mistral', ['tiny', 'script']);
    expect(attempt).toThrow(RbeesError);
    expect(attempt).toThrow('Model "mistral" is not installed. Available: tiny, script.');
    try {
      attempt();
    } catch (err) {
      expect((err as RbeesError).code).toBe('MODEL_NOT_FOUND');
    }
    expect(() => resolveModelId('x', [])).toThrow('Available: none');
  });
});
