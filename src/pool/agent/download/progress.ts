import type { DownloadProgress } from '../../../shared/pool-status';

export type { DownloadProgress };

export const PROGRESS_INTERVAL_MS = 100;
// Rate over the last few seconds: responsive to a changing link, steady enough to read.
const WINDOW_MS = 3000;

/** Throttles progress to one event per interval, plus the first and a final one. */
export class ProgressMeter {
  private last = -Infinity;
  private readonly samples: { t: number; bytes: number }[] = [];
  private readonly startedAt: number;

  constructor(
    private readonly total: number,
    private readonly startBytes: number,
    private readonly onProgress: ((p: DownloadProgress) => void) | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startedAt = now();
    this.samples.push({ t: this.startedAt, bytes: startBytes });
  }

  update(bytes: number): void {
    const t = this.now();
    if (t - this.last < PROGRESS_INTERVAL_MS) return;
    this.emit(bytes, t, this.windowRate(bytes, t));
  }

  /** The last event, sent whatever the interval; its rate is the average of the whole run. */
  finish(bytes: number): void {
    const t = this.now();
    const seconds = (t - this.startedAt) / 1000;
    this.emit(bytes, t, seconds > 0 ? Math.max(0, bytes - this.startBytes) / seconds : 0);
  }

  private windowRate(bytes: number, t: number): number {
    this.samples.push({ t, bytes });
    while (this.samples.length > 2 && t - (this.samples[0]?.t ?? t) > WINDOW_MS)
      this.samples.shift();
    const first = this.samples[0];
    if (!first || t - first.t <= 0) return 0;
    return (Math.max(0, bytes - first.bytes) * 1000) / (t - first.t);
  }

  private emit(bytes: number, t: number, rate: number): void {
    this.last = t;
    if (!this.onProgress) return;
    const left = Math.max(0, this.total - bytes);
    const eta = left === 0 ? 0 : rate > 0 ? Math.ceil(left / rate) : null;
    this.onProgress({ bytes, total: this.total, bytes_per_sec: Math.round(rate), eta_s: eta });
  }
}
