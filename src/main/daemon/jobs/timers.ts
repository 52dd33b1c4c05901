/**
 * The scheduler's timers: none keeps the process up, none is set after close(), and close()
 * clears every one still pending, so a closed daemon leaves no timer behind.
 */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();
  private closed = false;

  /** Runs `run` after `ms`; undefined (nothing set) once closed. */
  later(run: () => void, ms: number): NodeJS.Timeout | undefined {
    if (this.closed) return undefined;
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      run();
    }, ms);
    timer.unref();
    this.pending.add(timer);
    return timer;
  }

  close(): void {
    this.closed = true;
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}
