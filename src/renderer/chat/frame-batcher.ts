import { frameScheduler, type Scheduler } from '../ui/frame-scheduler';
import type { ReplyStats } from './chat-types';

/**
 * Collects a stream's tokens and stats and hands them to the store once per frame. At 2,000+
 * tokens/s a store update (and React render) per token would swamp the main thread; per frame
 * it is ~60 small updates a second whatever the token rate.
 */
export class FrameBatcher {
  private text: string[] = [];
  private stats: ReplyStats | undefined;
  private cancel: (() => void) | undefined;

  constructor(
    private readonly apply: (text: string, stats: ReplyStats | undefined) => void,
    private readonly schedule: Scheduler = frameScheduler,
  ) {}

  push(text: string): void {
    if (!text) return;
    this.text.push(text);
    this.request();
  }

  patch(stats: ReplyStats): void {
    this.stats = { ...this.stats, ...stats };
    this.request();
  }

  /** Applies whatever is pending now (before the stream's last word, or on stop). */
  flush(): void {
    this.cancel?.();
    this.cancel = undefined;
    if (this.text.length === 0 && !this.stats) return;
    const text = this.text.join('');
    const stats = this.stats;
    this.text = [];
    this.stats = undefined;
    this.apply(text, stats);
  }

  /** Drops what is pending without applying it. */
  dispose(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.text = [];
    this.stats = undefined;
  }

  private request(): void {
    this.cancel ??= this.schedule(() => {
      this.cancel = undefined;
      this.flush();
    });
  }
}
