import { RbeesError } from '../../../shared/errors';
import type { AgentLine } from './agent-calls';

/**
 * One reader's lines from a shared follower: its backlog, then the live lines, then the end. The
 * follower never waits for a reader (one slow reader must not hold back the others or the agent):
 * a reader that falls `limit` lines behind is ended with an error that says so.
 */
export class ReaderQueue {
  started = false;
  private items: AgentLine[] = [];
  private wake: (() => void) | undefined;
  private done = false;
  private error: Error | undefined;

  constructor(
    /** The reader's own `lines`: how much of the backlog it is sent first. */
    readonly wanted: number | undefined,
    private readonly limit: number,
    private readonly subject: string,
  ) {}

  /** The reader's first lines, once the follower knows which lines are the backlog. */
  start(backlog: readonly AgentLine[]): void {
    this.started = true;
    this.items.push(...backlog);
    this.notify();
  }

  push(line: AgentLine): void {
    if (this.done) return;
    if (this.items.length >= this.limit) {
      this.finish(
        new RbeesError(
          'CANCELLED',
          `${this.subject}: this reader fell ${this.items.length} lines behind and was dropped ` +
            'so that the others are not held back; open it again to catch up.',
        ),
      );
      return;
    }
    this.items.push(line);
    this.notify();
  }

  /** The end for this reader: normal (undefined) or the follower's error. */
  finish(error?: Error): void {
    if (this.done) return;
    this.done = true;
    this.error = error;
    this.notify();
  }

  /** Ends when the follower ends (throwing its error), or quietly when `signal` aborts. */
  async *lines(signal: AbortSignal, leave: () => void): AsyncGenerator<AgentLine> {
    const onAbort = (): void => {
      this.items = [];
      this.finish();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal.aborted) onAbort();
      for (;;) {
        if (this.items.length > 0) {
          const batch = this.items;
          this.items = [];
          for (const line of batch) {
            if (signal.aborted) return;
            yield line;
          }
          continue;
        }
        if (this.done) {
          if (this.error !== undefined && !signal.aborted) throw this.error;
          return;
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.finish();
      leave();
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
