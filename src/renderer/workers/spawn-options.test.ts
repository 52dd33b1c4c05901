import { describe, expect, it } from 'vitest';
import { toRequest, type SpawnForm } from './spawn-options';

const form: SpawnForm = {
  host: 'gpu1',
  model: 'script',
  backend: 'cpu',
  gpu: '',
  slots: '1',
  threads: '',
};

describe('toRequest', () => {
  it('sends only what was chosen', () => {
    expect(toRequest(form)).toEqual({ request: { model: 'script', backend: 'cpu', slots: 1 } });
    expect(toRequest({ ...form, gpu: '0', threads: '2', slots: '' })).toEqual({
      request: { model: 'script', backend: 'cpu', gpu: 0, threads: 2 },
    });
  });

  it('says which field is wrong, in words', () => {
    expect(toRequest({ ...form, model: '' })).toEqual({ invalid: 'Choose a model on gpu1.' });
    expect(toRequest({ ...form, slots: '0' })).toEqual({
      invalid: 'Slots must be a whole number from 1 to 64.',
    });
    expect(toRequest({ ...form, threads: '1.5' })).toEqual({
      invalid: 'CPU threads must be a whole number from 1 to 1024, or empty.',
    });
  });
});
