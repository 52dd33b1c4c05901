import { randomBytes } from 'node:crypto';
import { applyClusterEvent } from '../../../shared/cluster-state';
import type { ClusterEvent, ClusterSnapshot } from '../../../shared/events';

/** A published event with its id, `<boot>.<n>`: ids from an earlier daemon are never mistaken. */
export type NumberedEvent = ClusterEvent & { id: string };

const KEEP = 2_000;
/** A subscriber this far behind is dropped; it reconnects and starts over from a snapshot. */
const MAX_PENDING = 5_000;

/**
 * The cluster's live events (`GET /api/events`): the state they add up to, the last KEEP of them
 * for `Last-Event-ID` resumes, and the subscribers. Publishing never waits for a reader.
 */
export class ClusterEvents {
  private readonly boot = randomBytes(3).toString('hex');
  private seq = 0;
  private current: ClusterSnapshot = { hosts: [] };
  private readonly recent: NumberedEvent[] = [];
  private readonly listeners = new Set<(event: NumberedEvent) => void>();
  private readonly observers = new Set<(event: ClusterEvent) => void>();

  get state(): ClusterSnapshot {
    return this.current;
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  publish(event: ClusterEvent): void {
    this.current = applyClusterEvent(this.current, event);
    const numbered = { ...event, id: `${this.boot}.${++this.seq}` };
    this.recent.push(numbered);
    if (this.recent.length > KEEP) this.recent.splice(0, this.recent.length - KEEP);
    for (const listener of this.listeners) listener(numbered);
    for (const observer of this.observers) observer(event);
  }

  /** Calls `observer` with every event, synchronously; not a watcher (see `subscribers`). */
  observe(observer: (event: ClusterEvent) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /**
   * The events after `lastEventId` when still kept, else a `snapshot` of the state first; then
   * live ones until `signal` aborts or the reader falls MAX_PENDING events behind.
   */
  async *subscribe(
    lastEventId: string | undefined,
    signal: AbortSignal,
  ): AsyncGenerator<NumberedEvent> {
    const at = lastEventId === undefined ? -1 : this.recent.findIndex((e) => e.id === lastEventId);
    const pending: NumberedEvent[] =
      at >= 0
        ? this.recent.slice(at + 1)
        : [{ type: 'snapshot', data: this.current, id: `${this.boot}.${this.seq}` }];
    let wake: (() => void) | undefined;
    let overrun = false;
    const listener = (event: NumberedEvent): void => {
      if (pending.length >= MAX_PENDING) overrun = true;
      else pending.push(event);
      wake?.();
    };
    const onAbort = (): void => wake?.();
    this.listeners.add(listener);
    signal.addEventListener('abort', onAbort);
    try {
      for (;;) {
        const event = pending.shift();
        if (event) {
          yield event;
          continue;
        }
        if (signal.aborted || overrun) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      this.listeners.delete(listener);
      signal.removeEventListener('abort', onAbort);
    }
  }
}
