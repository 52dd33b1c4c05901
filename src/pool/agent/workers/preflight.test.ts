import { beforeAll, describe, expect, it } from 'vitest';
import { RbeesError } from '../../../shared/errors';
import { ramPadding, vramPadding } from '../../../shared/model-fit';
import type { FitPoint } from '../../../shared/pool-status';
import { parseGpuQuery } from '../gpus/nvidia-smi';
import { checkFits, type PreflightInput } from './preflight';
import { fixture } from '../../../../scripts/testing/agent-fixtures';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** A need as fit-estimate.ts gives it: `gib` GiB on the GPU (or all of it in RAM), 1 GiB beside. */
function need(gib: number, ctx = 2048): FitPoint {
  return {
    ctx,
    gpu_vram_bytes: gib * GIB,
    gpu_ram_bytes: 1 * GIB,
    cpu_ram_bytes: (gib + 1) * GIB,
  };
}

async function input(
  over: Partial<PreflightInput>,
  state: 'idle' | 'busy' = 'busy',
): Promise<PreflightInput> {
  return {
    model: 'big',
    need: need(50),
    slots: 1,
    backend: 'cuda',
    gpu: 0,
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
  it("judges the estimate against free memory less node-llama-cpp's padding, the edge included", () => {
    const usable = 101222 * MIB - vramPadding(143771 * MIB);
    const edge = { ...need(0), gpu_vram_bytes: usable };
    expect(() => checkFits({ ...busy, need: edge })).not.toThrow();
    const over = thrown(() =>
      checkFits({ ...busy, need: { ...edge, gpu_vram_bytes: usable + 1 } }),
    );
    expect(over.details).toMatchObject({ required_bytes: usable + 1, available_bytes: usable });
  });

  it('lets a 98 GiB model onto the idle H200 but not the busy one, with the numbers', async () => {
    expect(() => checkFits(idle)).not.toThrow();
    const err = thrown(() => checkFits(busy));
    expect(err.code).toBe('INSUFFICIENT_VRAM');
    expect(err.details).toMatchObject({
      memory: 'vram',
      gpu: 0,
      ctx: 2048,
      slots: 1,
      required_bytes: 98 * GIB,
      available_bytes: 101222 * MIB - vramPadding(143771 * MIB),
    });
    expect(err.message).toMatch(
      /needs about 98\.0 GiB at context 2048 × 1 slot but free VRAM on GPU 0 \(NVIDIA H200\) is 97\.2 GiB/,
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
    expect(cpu.details).toMatchObject({
      memory: 'ram',
      available_bytes: 32 * GIB - ramPadding(64 * GIB, 'linux'),
    });
    expect(() =>
      checkFits({ ...busy, backend: 'cpu', gpu: undefined, need: need(20) }),
    ).not.toThrow();
    const metal = thrown(() =>
      checkFits({ ...busy, backend: 'metal', gpu: undefined, gpus: [], platform: 'darwin' }),
    );
    expect(metal.details).toMatchObject({ memory: 'unified', available_bytes: 48 * GIB });
    expect(() => checkFits({ ...busy, backend: 'auto', gpu: undefined })).not.toThrow();
  });

  it('the RAM beside the GPU counts too: a model whose outputs do not fit in RAM is refused', () => {
    const err = thrown(() =>
      checkFits({ ...idle, need: { ...need(10), gpu_ram_bytes: 40 * GIB } }),
    );
    expect(err.details).toMatchObject({ memory: 'ram', required_bytes: 40 * GIB });
  });

  it('leaves a model without an estimate (unreadable header) to the worker', () => {
    expect(() => checkFits({ ...busy, need: undefined })).not.toThrow();
  });
});

let idle: PreflightInput;
let busy: PreflightInput;

beforeAll(async () => {
  idle = await input({ need: need(98) }, 'idle');
  busy = await input({ need: need(98) }, 'busy');
});
