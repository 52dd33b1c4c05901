import { describe, expect, it } from 'vitest';
import type { DownloadProgress } from './progress';
import { ProgressMeter } from './progress';

describe('ProgressMeter', () => {
  it('emits the first update, then at most one per 100 ms, and always the final one', () => {
    let now = 0;
    const seen: DownloadProgress[] = [];
    const meter = new ProgressMeter(
      1000,
      0,
      (p) => seen.push(p),
      () => now,
    );
    meter.update(0);
    for (now = 10; now <= 450; now += 10) meter.update(now * 2);
    meter.finish(1000);
    expect(seen.map((p) => p.bytes)).toEqual([0, 200, 400, 600, 800, 1000]);
    // 2 bytes per ms over the window: 2000 B/s, and the ETA follows from it.
    expect(seen[2]).toEqual({ bytes: 400, total: 1000, bytes_per_sec: 2000, eta_s: 1 });
    expect(seen.at(-1)?.eta_s).toBe(0);
  });

  it('has no ETA before it has a rate, and measures a resume from where it started', () => {
    let now = 0;
    const seen: DownloadProgress[] = [];
    const meter = new ProgressMeter(
      1000,
      500,
      (p) => seen.push(p),
      () => now,
    );
    meter.update(500);
    now = 1000;
    meter.finish(1000);
    expect(seen[0]?.eta_s).toBeNull();
    expect(seen[1]?.bytes_per_sec).toBe(500);
  });
});
