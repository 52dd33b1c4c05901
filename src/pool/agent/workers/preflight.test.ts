import { beforeAll, describe, expect, it } from 'vitest';
import { RbeesError } from '../../../shared/errors';
import { parseGpuQuery } from '../gpus/nvidia-smi';
import { checkFits, requiredBytes, type PreflightInput } from './preflight';
import { fixture } from '../../../../scripts/testing/agent-fixtures';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

async function input(
  over: Partial<PreflightInput>,
  state: 'idle' | 'busy' = 'busy',
): Promise<PreflightInput> {
  return {
    model: 'big',
    fileBytes: 50 * GIB,
    backend: 'cuda',
    gpu: 0,
    slots: 1,
    ctx: undefined,
    gpus: parseGpuQuery(await fixture(`h200-${state}-query.csv`)),
    ram: { total: 64 * GIB, free: 32 * GIB },
    platform: 'linux',
    ...over,
  };
}

function thrown(fn: () => void): RbeesError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RbeesError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('preflight', () => {
  it('states its estimate: file × 1.1 + 256 MiB + slots × ctx × 128 KiB', () => {
    expect(requiredBytes(1000 * MIB, 2, 4096)).toBe(1100 * MIB + 256 * MIB + 2 * 4096 * 128 * 1024);
    expect(requiredBytes(1000 * MIB, 1, undefined)).toBe(1100 * MIB + 256 * MIB + 256 * MIB);
  });

  it('lets a 90 GiB model onto the idle H200 but not the busy one, with the numbers', async () => {
    expect(() => checkFits(idle)).not.toThrow();
    const err = thrown(() => checkFits(busy));
    expect(err.code).toBe('INSUFFICIENT_VRAM');
    expect(err.details).toMatchObject({
      memory: 'vram',
      gpu: 0,
      file_bytes: 90 * GIB,
      required_bytes: requiredBytes(90 * GIB, 1, undefined),
      available_bytes: 101222 * MIB,
    });
    expect(err.message).toMatch(
      /needs about 99\.5 GiB but free VRAM on GPU 0 \(NVIDIA H200\) is 98\.8 GiB/,
    );
  });

  it('counts every GPU without --gpu, and refuses an unknown --gpu', async () => {
    expect(() =>
      checkFits({ ...busy, gpu: undefined, gpus: [...busy.gpus, { ...busy.gpus[0]!, index: 1 }] }),
    ).not.toThrow();
    expect(thrown(() => checkFits({ ...busy, gpu: 3 })).message).toBe(
      '--gpu 3: no such GPU on this host (GPUs: 0)',
    );
  });

  it('refuses cuda on a host without NVIDIA GPUs; lets vulkan try', () => {
    expect(thrown(() => checkFits({ ...busy, gpus: [] })).code).toBe('INSUFFICIENT_VRAM');
    expect(() => checkFits({ ...busy, backend: 'vulkan', gpus: [] })).not.toThrow();
  });

  it('checks free RAM for cpu, unified memory for metal, VRAM plus RAM for auto', () => {
    const cpu = thrown(() => checkFits({ ...busy, backend: 'cpu', gpu: undefined }));
    expect(cpu.details).toMatchObject({ memory: 'ram', available_bytes: 32 * GIB });
    expect(() =>
      checkFits({ ...busy, backend: 'cpu', gpu: undefined, fileBytes: 20 * GIB }),
    ).not.toThrow();
    const metal = thrown(() =>
      checkFits({ ...busy, backend: 'metal', gpu: undefined, gpus: [], platform: 'darwin' }),
    );
    expect(metal.details).toMatchObject({ memory: 'unified', available_bytes: 48 * GIB });
    expect(() => checkFits({ ...busy, backend: 'auto', gpu: undefined })).not.toThrow();
  });
});

let idle: PreflightInput;
let busy: PreflightInput;

beforeAll(async () => {
  idle = await input({ fileBytes: 90 * GIB }, 'idle');
  busy = await input({ fileBytes: 90 * GIB }, 'busy');
});
