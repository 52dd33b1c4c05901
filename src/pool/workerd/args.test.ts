import { describe, expect, it } from 'vitest';
import { ArgsError, parseWorkerArgs } from './args';

const parse = (...argv: string[]) => parseWorkerArgs(argv);

describe('parseWorkerArgs', () => {
  it('fills in the defaults', () => {
    expect(parse('--model', '/models/Qwen2.5-0.5B.Q8_0.gguf', '--port', '0')).toEqual({
      model: '/models/Qwen2.5-0.5B.Q8_0.gguf',
      modelId: 'Qwen2.5-0.5B.Q8_0',
      port: 0,
      host: '127.0.0.1',
      backend: 'auto',
      gpu: undefined,
      threads: undefined,
      slots: 1,
      ctx: undefined,
      parentPid: undefined,
    });
  });

  it('reads every flag', () => {
    const args = parse(
      '--model=m.gguf',
      '--port',
      '8080',
      '--host',
      '0.0.0.0',
      '--backend',
      'cuda',
      '--gpu',
      '1',
      '--threads',
      '4',
      '--slots',
      '2',
      '--ctx',
      '4096',
      '--model-id',
      'qwen',
      '--parent-pid',
      '42',
    );
    expect(args).toEqual({
      model: 'm.gguf',
      modelId: 'qwen',
      port: 8080,
      host: '0.0.0.0',
      backend: 'cuda',
      gpu: 1,
      threads: 4,
      slots: 2,
      ctx: 4096,
      parentPid: 42,
    });
  });

  it('answers help', () => {
    expect(parse('--help')).toBe('help');
    expect(parse('-h')).toBe('help');
  });

  it.each([
    [['--port', '0'], /--model PATH is required/],
    [['--model', 'm.gguf'], /--port N is required/],
    [['--model', 'm.gguf', '--port', '70000'], /--port 70000 is out of range \(0\.\.65535\)/],
    [['--model', 'm.gguf', '--port', '1e3'], /--port "1e3" is not a whole number/],
    [['--model', 'm.gguf', '--port', ''], /--port "" is not a whole number/],
    [['--model', 'm.gguf', '--port', '0', '--slots', '0'], /--slots 0 is out of range/],
    [['--model', 'm.gguf', '--port', '0', '--threads', '-1'], /--threads/],
    [
      ['--model', 'm.gguf', '--port', '0', '--backend', 'rocm'],
      /--backend "rocm" is not one of auto, cpu/,
    ],
    [
      ['--model', 'm.gguf', '--port', '0', '--backend', 'cpu', '--gpu', '0'],
      /--gpu 0 needs --backend cuda, vulkan or auto/,
    ],
    [['--model', 'm.gguf', '--port', '0', '--prot', '1'], /--prot/],
    [['--model', 'm.gguf', '--port', '0', 'extra'], /extra/],
    [['--model', '--port', '0'], /--model/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseWorkerArgs(argv)).toThrow(ArgsError);
    expect(() => parseWorkerArgs(argv)).toThrow(message);
  });
});
