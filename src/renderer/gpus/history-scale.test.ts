import { describe, expect, it } from 'vitest';
import { HISTORY_MS, SAMPLE_INTERVAL_MS, type GpuSample } from '../../shared/events';
import {
  areaPath,
  formatAgo,
  gaps,
  gpuHistory,
  linePath,
  memoryPct,
  nearestSample,
  runs,
  timeAt,
  xOf,
  yOf,
  type TimedSample,
} from './history-scale';

const NOW = 1_800_000_000_000;
const util = (s: GpuSample) => s.utilization_pct;

function sample(at: number, utilization: number | null, index = 0): TimedSample {
  return {
    at,
    value: {
      index,
      memory_used_bytes: 1000,
      utilization_pct: utilization,
      temperature_c: 50,
      power_draw_w: null,
    },
  };
}

/** Samples every 5 s ending at NOW, with the utilisation given. */
function series(values: (number | null)[]): TimedSample[] {
  return values.map((v, i) => sample(NOW - (values.length - 1 - i) * SAMPLE_INTERVAL_MS, v));
}

describe('the time axis', () => {
  it('spans exactly [now − 10 min, now], whatever the data', () => {
    expect(xOf(NOW - HISTORY_MS, NOW, 600)).toBe(0);
    expect(xOf(NOW, NOW, 600)).toBe(600);
    expect(xOf(NOW - HISTORY_MS / 2, NOW, 600)).toBe(300);
  });

  it('slides with now: a sample moves left as time passes, the scale stays', () => {
    const at = NOW - 60_000;
    const before = xOf(at, NOW, 600);
    const after = xOf(at, NOW + 5_000, 600);
    expect(before - after).toBeCloseTo((5_000 / HISTORY_MS) * 600);
  });

  it('maps a pointer back to a time, clamped to the window', () => {
    expect(timeAt(300, NOW, 600)).toBe(NOW - HISTORY_MS / 2);
    expect(timeAt(-20, NOW, 600)).toBe(NOW - HISTORY_MS);
    expect(timeAt(900, NOW, 600)).toBe(NOW);
  });
});

describe('the value axis', () => {
  it('puts 0 at the bottom and the maximum at the top, clamping beyond', () => {
    expect(yOf(0, 100)).toBe(100);
    expect(yOf(100, 100)).toBe(0);
    expect(yOf(25, 100)).toBe(75);
    expect(yOf(140, 100)).toBe(0);
    expect(yOf(-5, 100)).toBe(100);
  });

  it('memory percentage is unknown, not 0, when a figure is missing', () => {
    expect(memoryPct(41935, 143771)).toBeCloseTo(29.17, 2);
    expect(memoryPct(null, 143771)).toBeNull();
    expect(memoryPct(1, null)).toBeNull();
    expect(memoryPct(1, 0)).toBeNull();
  });
});

describe('runs', () => {
  it('keeps samples 5 s apart in one run', () => {
    const out = runs(series([10, 20, 30, 40]), util);
    expect(out).toHaveLength(1);
    expect(out[0]?.map((p) => p.value)).toEqual([10, 20, 30, 40]);
  });

  it('breaks the line where samples are more than 3 intervals apart', () => {
    const samples = [
      sample(NOW - 60_000, 10),
      sample(NOW - 55_000, 20),
      // 20 s later: the host was away.
      sample(NOW - 35_000, 30),
      sample(NOW - 30_000, 40),
    ];
    expect(runs(samples, util).map((r) => r.map((p) => p.value))).toEqual([
      [10, 20],
      [30, 40],
    ]);
  });

  it('does not break at exactly 3 intervals (a late sample is not an outage)', () => {
    const samples = [sample(NOW - 15_000, 1), sample(NOW, 2)];
    expect(runs(samples, util)).toHaveLength(1);
  });

  it('breaks at unknown values instead of drawing them as 0', () => {
    const out = runs(series([10, null, null, 40, 50]), util);
    expect(out.map((r) => r.map((p) => p.value))).toEqual([[10], [40, 50]]);
  });

  it('drops samples before the window but keeps the one entering it', () => {
    const start = NOW - HISTORY_MS;
    const samples = [
      sample(start - 15_000, 1),
      sample(start - 10_000, 2),
      sample(start - 5_000, 3),
      sample(start + 0, 4),
    ];
    const out = runs(samples, util, start);
    expect(out.map((r) => r.map((p) => p.value))).toEqual([[3, 4]]);
  });

  it('is empty without samples', () => {
    expect(runs([], util)).toEqual([]);
  });
});

describe('paths', () => {
  const frame = { width: 600, height: 100, now: NOW, max: 100 };

  it('draws a line through a run', () => {
    const [run] = runs([sample(NOW - HISTORY_MS, 0), sample(NOW, 100)], util, -Infinity, Infinity);
    expect(linePath(run ?? [], frame)).toBe('M0 100L600 0');
  });

  it('draws a lone point as a short dash so it stays visible', () => {
    expect(linePath([{ at: NOW - HISTORY_MS / 2, value: 50 }], frame)).toBe('M300 50L302 50');
  });

  it('closes the area down to the baseline', () => {
    const run = [
      { at: NOW - HISTORY_MS / 2, value: 50 },
      { at: NOW, value: 50 },
    ];
    expect(areaPath(run, frame)).toBe('M300 50L600 50L600 100L300 100Z');
    expect(areaPath([], frame)).toBe('');
  });
});

describe('gaps', () => {
  it('finds the stretches without samples inside the window', () => {
    const samples = [sample(NOW - 60_000, 1), sample(NOW - 30_000, 2), sample(NOW - 25_000, 3)];
    expect(gaps(samples, NOW - HISTORY_MS)).toEqual([[NOW - 60_000, NOW - 30_000]]);
  });

  it('clips a gap that began before the window to its start', () => {
    const start = NOW - HISTORY_MS;
    const samples = [sample(start - 60_000, 1), sample(start + 30_000, 2)];
    expect(gaps(samples, start)).toEqual([[start, start + 30_000]]);
  });
});

describe('nearestSample', () => {
  const samples = series([1, 2, 3, 4, 5]);

  it('finds the sample closest to the pointer', () => {
    expect(nearestSample(samples, NOW - 6_000)?.value.utilization_pct).toBe(4);
    expect(nearestSample(samples, NOW - 9_000)?.value.utilization_pct).toBe(3);
    expect(nearestSample(samples, NOW)?.value.utilization_pct).toBe(5);
    expect(nearestSample(samples, NOW - 20_000)?.value.utilization_pct).toBe(1);
  });

  it('finds nothing over a gap or beyond the data', () => {
    expect(nearestSample(samples, NOW - 60_000)).toBeNull();
    expect(nearestSample([], NOW)).toBeNull();
  });
});

describe('gpuHistory', () => {
  it("picks one GPU's samples out of the host's, skipping samples without it", () => {
    const history = [
      { at: 1, gpus: [sample(1, 10, 0).value, sample(1, 90, 1).value] },
      { at: 2, gpus: [sample(2, 20, 0).value] },
      { at: 3, gpus: [sample(3, 30, 0).value, sample(3, 70, 1).value] },
    ];
    expect(gpuHistory(history, 1).map((s) => [s.at, s.value.utilization_pct])).toEqual([
      [1, 90],
      [3, 70],
    ]);
  });
});

describe('formatAgo', () => {
  it('says how long ago, with seconds padded so the width holds', () => {
    expect(formatAgo(NOW, NOW)).toBe('now');
    expect(formatAgo(NOW - 45_000, NOW)).toBe('45 s ago');
    expect(formatAgo(NOW - 185_000, NOW)).toBe('3 min 05 s ago');
    expect(formatAgo(NOW - 120_000, NOW)).toBe('2 min ago');
  });
});
