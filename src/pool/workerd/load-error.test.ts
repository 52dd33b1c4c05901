import { describe, expect, it } from 'vitest';
import { describeLoadFailure, LoadStageError } from './load-error';

const PATH = '/models/m.gguf';

describe('describeLoadFailure', () => {
  it('names the file, the reason and the fix for a file that is not a GGUF', () => {
    const err = new LoadStageError(
      'header',
      new Error('Invalid GGUF magic. Expected "GGUF" but got "hell".'),
    );
    expect(describeLoadFailure(PATH, 'auto', err)).toBe(
      `${PATH}: Invalid GGUF magic. Expected "GGUF" but got "hell". — this is not a GGUF model file; replace it with a .gguf model`,
    );
  });

  it("uses llama.cpp's logged cause when node-llama-cpp only says it failed", () => {
    const err = new LoadStageError('model', new Error('Failed to load model'));
    const logged = [
      "llama_model_load: error loading model: tensor 'output.weight' data is not within the file bounds, model is corrupted or incomplete",
      'llama_model_load_from_file_impl: failed to load model',
    ];
    expect(describeLoadFailure(PATH, 'cpu', err, logged)).toBe(
      `${PATH}: Failed to load model: tensor 'output.weight' data is not within the file bounds, ` +
        'model is corrupted or incomplete — the GGUF file is damaged or incomplete; download it again',
    );
  });

  it('points at the backend when the runtime does not load', () => {
    const err = new LoadStageError('runtime', new Error('No binary found'));
    expect(describeLoadFailure(PATH, 'cuda', err)).toMatch(
      /--backend cuda; use --backend auto or cpu$/,
    );
  });

  it('points at --ctx and --slots when the context does not fit', () => {
    const err = new LoadStageError('context', new Error('InsufficientMemoryError'));
    expect(describeLoadFailure(PATH, 'auto', err)).toMatch(/lower --ctx or --slots$/);
  });

  it('keeps the message on one line', () => {
    const err = new LoadStageError('model', new Error('line one\nline two'));
    expect(describeLoadFailure(PATH, 'auto', err)).not.toContain('\n');
  });
});
