import { describe, expect, it } from 'vitest';
import type { Gpu } from '../../shared/pool-status';
import { describeVerdict, estimateFit, FIT_MARGIN_BYTES, neededBytes } from './fit';

const GB = 1_000_000_000;
const MiB = 1024 * 1024;

function gpu(index: number, free: number | null, total: number | null = 24 * GB, used?: number) {
  return {
    index,
    name: `GPU model ${index}`,
    memory_free_bytes: free,
    memory_total_bytes: total,
    memory_used_bytes: used ?? null,
  } as Gpu;
}

const memory = { total_bytes: 64 * GB, free_bytes: 10 * GB };

describe('neededBytes', () => {
  it('adds 20% and 512 MiB to the file size', () => {
    expect(neededBytes(0)).toBe(512 * MiB);
    expect(neededBytes(10 * GB)).toBe(12 * GB + FIT_MARGIN_BYTES);
  });
});

describe('estimateFit', () => {
  it('judges each GPU by its free memory', () => {
    const status = { gpus: [gpu(0, 20 * GB), gpu(1, 4 * GB)], memory };
    const verdicts = estimateFit(4 * GB, status); // needs 4.8 GB + 512 MiB ≈ 5.34 GB
    expect(verdicts.map((v) => [v.label, v.fits])).toEqual([
      ['GPU 0', true],
      ['GPU 1', false],
    ]);
  });

  it('is strict at the edge: exactly the free memory does not fit', () => {
    const size = 1 * GB;
    const status = { gpus: [gpu(0, neededBytes(size))], memory };
    expect(estimateFit(size, status)[0]?.fits).toBe(false);
    const roomy = { gpus: [gpu(0, neededBytes(size) + 1)], memory };
    expect(estimateFit(size, roomy)[0]?.fits).toBe(true);
  });

  it('derives free memory from total minus used when the driver does not report it', () => {
    const status = { gpus: [gpu(0, null, 8 * GB, 1 * GB)], memory };
    const [v] = estimateFit(2 * GB, status);
    expect(v?.free).toBe(7 * GB);
    expect(v?.fits).toBe(true);
  });

  it('says "unknown" when nothing about the memory is reported', () => {
    const status = { gpus: [gpu(0, null, null)], memory };
    const [v] = estimateFit(1 * GB, status);
    expect(v?.fits).toBeNull();
    expect(describeVerdict(v!)).toContain('free memory not reported');
  });

  it('compares with free RAM on a host without GPU, and calls it CPU', () => {
    const verdicts = estimateFit(8 * GB, { gpus: [], memory }); // needs ≈ 10.1 GB > 10 GB
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]).toMatchObject({ label: 'CPU', device: 'RAM', fits: false });
    expect(estimateFit(2 * GB, { gpus: [], memory })[0]?.fits).toBe(true);
  });

  it('describes a verdict in words', () => {
    const [v] = estimateFit(1 * GB, { gpus: [gpu(0, 20 * GB)], memory });
    expect(describeVerdict(v!)).toBe('GPU 0 (GPU model 0): fits, needs ~1.74 GB, 20.0 GB free.');
  });
});
