import { RbeesError } from '../../shared/errors';
import type { HistoryApi } from '../../shared/sdk/history';
import type { HistoryWrite } from './history-writes';

const MAX_BACKOFF_MS = 15_000;

/**
 * Sends history writes to the daemon one at a time, in order (a message after its conversation).
 * While the daemon is away a write is retried with backoff and the ones behind it wait: nothing
 * is dropped but a write the daemon refuses (a message of a conversation deleted meanwhile).
 */
export class HistoryQueue {
  private readonly queue: HistoryWrite[] = [];
  private running = false;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly api: HistoryApi,
    private readonly onRefused: (write: HistoryWrite, err: RbeesError) => void = () => {},
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  push(writes: HistoryWrite[]): void {
    if (writes.length === 0 || this.stopped) return;
    this.queue.push(...writes);
    void this.drain();
  }

  /** Retries at once (the daemon is back) instead of waiting out the backoff. */
  retryNow(): void {
    this.wake?.();
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    let backoff = 0;
    while (!this.stopped && this.queue.length > 0) {
      const write = this.queue[0] as HistoryWrite;
      try {
        await this.send(write);
        this.queue.shift();
        backoff = 0;
      } catch (err) {
        if (err instanceof RbeesError && (err.code === 'BAD_REQUEST' || err.code === 'NOT_FOUND')) {
          this.queue.shift();
          this.onRefused(write, err);
          continue;
        }
        backoff = Math.min(MAX_BACKOFF_MS, Math.max(500, backoff * 2));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, backoff);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
    this.running = false;
  }

  private send(write: HistoryWrite): Promise<unknown> {
    switch (write.type) {
      case 'putConversation':
        return this.api.putConversation(write.id, write.title, write.created_at);
      case 'deleteConversation':
        return this.api.deleteConversation(write.id);
      case 'putMessage':
        return this.api.putMessage(write.conversationId, write.id, write.message);
      case 'deleteMessage':
        return this.api.deleteMessage(write.conversationId, write.id);
    }
  }
}
