/**
 * Joins text pushed in quick succession into one write. A socket write is a system call costing
 * tens of µs on small VMs; a tiny model makes a token every ~0.5 ms and a screen paints every
 * 16 ms. Text arriving more than `windowMs` after the last write goes out at once, so a model of
 * ordinary speed sees no added latency at all; faster ones are written at most every `windowMs`.
 */
export class WriteCoalescer {
  private pending = '';
  private lastWrite = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly write: (text: string) => void,
    private readonly windowMs = 4,
  ) {}

  push(text: string): void {
    this.pending += text;
    const wait = this.lastWrite + this.windowMs - performance.now();
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  }

  /** Writes what is pending now (before a terminal event's stream ends, say). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lastWrite = performance.now();
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.write(text);
  }

  /** Drops what is pending: the reader is gone. */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = '';
  }
}
