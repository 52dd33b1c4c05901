/**
 * Splits a byte stream into lines. One streaming decoder per stream, so a UTF-8 character or a
 * line split across chunks comes out whole. `\r\n` counts as `\n`.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8');
  private partial = '';

  push(chunk: Uint8Array): string[] {
    const text = this.partial + this.decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    return lines.map(stripCr);
  }

  /** The last line, if the stream did not end with a newline. */
  end(): string[] {
    const rest = this.partial + this.decoder.decode();
    this.partial = '';
    return rest.length > 0 ? [stripCr(rest)] : [];
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

const HIGH_WATER = 1024;
const LOW_WATER = 256;

/**
 * A single-consumer async queue. Items buffer until someone iterates; while iterating,
 * `onPressure(true)` asks the producer to pause when the buffer is full and `false` to resume.
 * Leaving the loop early discards the rest and releases the producer.
 */
export class LineQueue<T> implements AsyncIterable<T> {
  private readonly buffer: T[] = [];
  private waiting: ((r: IteratorResult<T>) => void) | null = null;
  private failWaiting: ((err: Error) => void) | null = null;
  private ended = false;
  private error: Error | null = null;
  private iterating = false;
  private detached = false;
  private paused = false;

  constructor(private readonly onPressure: (pause: boolean) => void = () => undefined) {}

  push(item: T): void {
    if (this.ended || this.detached) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = this.failWaiting = null;
      resolve({ value: item, done: false });
      return;
    }
    this.buffer.push(item);
    if (this.iterating && !this.paused && this.buffer.length >= HIGH_WATER) this.setPaused(true);
  }

  /** Ends the stream; with an error, the consumer gets it after the buffered items. */
  end(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.error = error ?? null;
    if (this.waiting || this.failWaiting) {
      const resolve = this.waiting;
      const reject = this.failWaiting;
      this.waiting = this.failWaiting = null;
      if (error !== undefined) reject?.(error);
      else resolve?.({ value: undefined, done: true });
    }
    this.setPaused(false);
  }

  private setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    this.onPressure(paused);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.iterating) throw new Error('the output of a remote command can be read only once');
    this.iterating = true;
    return {
      next: () => {
        const [item] = this.buffer.splice(0, 1);
        if (item !== undefined) {
          if (this.paused && this.buffer.length <= LOW_WATER) this.setPaused(false);
          return Promise.resolve({ value: item, done: false });
        }
        if (this.ended) {
          return this.error !== null
            ? Promise.reject(this.error)
            : Promise.resolve({ value: undefined, done: true });
        }
        return new Promise<IteratorResult<T>>((resolve, reject) => {
          this.waiting = resolve;
          this.failWaiting = reject;
        });
      },
      return: () => {
        this.detached = true;
        this.buffer.length = 0;
        this.setPaused(false);
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
