import { describe, expect, it } from 'vitest';
import { ramPadding, vramPadding } from '../../shared/model-fit';
import type { FitPoint, Gpu, ModelFit } from '../../shared/pool-status';
import { describeVerdict, estimateFit, noEstimateReason } from './fit';

const GB = 1_000_000_000;

function gpu(index: number, free: number | null, total: number | null = 24 * GB, used?: number) {
  return {
    index,
    name: `GPU model ${index}`,
    memory_free_bytes: free,
    memory_total_bytes: total,
    memory_used_bytes: used ?? null,
    unified_memory: false,
  } as Gpu;
}

const memory = { total_bytes: 64 * GB, free_bytes: 10 * GB };
const host = { memory, platform: 'linux' };
const PAD_24 = vramPadding(24 * GB); // 1.6 GiB

/** A model needing `vram` at 2K context, twice that at 4K (as the agent reports it). */
function model(vram: number, ram = vram): { fit: ModelFit } {
  const point = (ctx: number, scale: number): FitPoint => ({
    ctx,
    gpu_vram_bytes: vram * scale,
    gpu_ram_bytes: 1000,
    cpu_ram_bytes: ram * scale,
  });
  return {
    fit: {
      slots: 1,
      default_ctx: 2048,
      points: [point(1024, 0.75), point(2048, 1), point(4096, 2)],
    },
  };
}

describe('estimateFit', () => {
  it("judges each GPU by its free memory less node-llama-cpp's padding", () => {
    const status = { ...host, gpus: [gpu(0, 20 * GB), gpu(1, 4 * GB)] };
    const verdicts = estimateFit(model(4 * GB), status);
    expect(verdicts.map((v) => [v.label, v.fits, v.maxCtx])).toEqual([
      ['GPU 0', true, 4096],
      ['GPU 1', false, undefined],
    ]);
    expect(verdicts[0]).toMatchObject({ needed: 4 * GB, usable: 20 * GB - PAD_24, ctx: 2048 });
  });

  it('is inclusive at the edge, like the preflight: exactly the usable memory fits', () => {
    const status = { ...host, gpus: [gpu(0, 10 * GB)] };
    const usable = 10 * GB - PAD_24;
    expect(estimateFit(model(usable), status)[0]?.fits).toBe(true);
    expect(estimateFit(model(usable + 1), status)[0]?.fits).toBe(false);
  });

  it('names the largest context that fits, even when the default one does not', () => {
    const status = { ...host, gpus: [gpu(0, 3 * GB + PAD_24)] };
    const [v] = estimateFit(model(3.5 * GB), status); // 1K needs 2.6 GB, 2K 3.5 GB
    expect(v).toMatchObject({ fits: false, maxCtx: 1024 });
  });

  it('derives free memory from total minus used when the driver does not report it', () => {
    const status = { ...host, gpus: [gpu(0, null, 8 * GB, 1 * GB)] };
    const [v] = estimateFit(model(2 * GB), status);
    expect(v?.usable).toBe(7 * GB - vramPadding(8 * GB));
    expect(v?.fits).toBe(true);
  });

  it('says "unknown" when nothing about the memory is reported', () => {
    const status = { ...host, gpus: [gpu(0, null, null)] };
    const [v] = estimateFit(model(1 * GB), status);
    expect(v?.fits).toBeNull();
    expect(describeVerdict(v!)).toContain('free memory not reported');
  });

  it('compares with free RAM on a host without GPU, and calls it CPU', () => {
    const usable = 10 * GB - ramPadding(64 * GB, 'linux');
    const verdicts = estimateFit(model(1, usable + 1), { ...host, gpus: [] });
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]).toMatchObject({ label: 'CPU', device: 'RAM', fits: false });
    expect(estimateFit(model(1, usable), { ...host, gpus: [] })[0]?.fits).toBe(true);
  });

  it('has no verdict without an estimate, and says why', () => {
    const status = { ...host, gpus: [gpu(0, 20 * GB)] };
    expect(estimateFit({}, status)).toEqual([]);
    expect(noEstimateReason({ error: 'not a readable GGUF file: x' })).toMatch(/header/);
    expect(noEstimateReason({ fit_error: 'no memory estimate: addon' })).toMatch(/addon/);
    expect(noEstimateReason({})).toMatch(/update it/);
  });

  it('describes a verdict in words', () => {
    const [v] = estimateFit(model(1 * GB), { ...host, gpus: [gpu(0, 20 * GB)] });
    expect(describeVerdict(v!)).toBe(
      'GPU 0 (GPU model 0): fits, needs ~1.00 GB at 2K context, 18.3 GB usable; up to 4K context fits.',
    );
  });
});
