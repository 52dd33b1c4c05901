/**
 * A single-consumer queue read as an AsyncIterable. The producer (node-llama-cpp's callbacks)
 * never waits, so the generation runs at the model's pace whatever the reader does; the queue is
 * bounded in practice by max_tokens. Hand-written because it is 30 lines and sits on the per-token
 * path, where each extra promise hop costs.
 */
export class Channel<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private closed = false;
  private wake: (() => void) | undefined;
  private scheduled = false;

  push(item: T): void {
    if (this.closed) return;
    this.items.push(item);
    this.notify();
  }

  /** Ends the iteration once the queued items are read. */
  close(): void {
    this.closed = true;
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      if (this.items.length > 0) {
        // Take everything queued at once: one wake-up can serve a burst of tokens.
        const batch = this.items;
        this.items = [];
        yield* batch;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /**
   * Wakes the reader on the next turn of the event loop, not in a microtask: node-llama-cpp hands
   * its next token to the native thread first, so writing this one overlaps the model's compute
   * instead of delaying it.
   */
  private notify(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const wake = this.wake;
      this.wake = undefined;
      wake?.();
    });
  }
}
