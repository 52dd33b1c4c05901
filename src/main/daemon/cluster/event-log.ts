import { isTerminal, type InferenceEvent } from '../../../shared/inference';

type Listener = (event: InferenceEvent) => void;

/**
 * The events of one job, numbered from 1, kept until the job is forgotten so that a client can
 * reconnect with `Last-Event-ID` and miss nothing. Subscribers get the backlog, then live events,
 * and their iteration ends after the terminal event.
 */
export class EventLog {
  private readonly events: InferenceEvent[] = [];
  private readonly listeners = new Set<Listener>();

  get finished(): boolean {
    const last = this.events.at(-1);
    return last !== undefined && isTerminal(last);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  /** The events so far (a copy). */
  snapshot(): InferenceEvent[] {
    return [...this.events];
  }

  /** Appends an event (ignored after the terminal one: exactly one terminal event per job). */
  append(event: InferenceEvent): void {
    if (this.finished) return;
    const numbered = { ...event, id: String(this.events.length + 1) } as InferenceEvent;
    this.events.push(numbered);
    for (const listener of this.listeners) listener(numbered);
  }

  /** Events after `afterId` (all when absent), then live ones until the terminal event or abort. */
  async *subscribe(afterId?: string, signal?: AbortSignal): AsyncGenerator<InferenceEvent> {
    const start = Math.max(0, Number.parseInt(afterId ?? '0', 10) || 0);
    const pending: InferenceEvent[] = this.events.slice(start);
    let wake: (() => void) | undefined;
    const listener: Listener = (event) => {
      pending.push(event);
      wake?.();
    };
    const onAbort = () => wake?.();
    this.listeners.add(listener);
    signal?.addEventListener('abort', onAbort);
    try {
      for (;;) {
        const event = pending.shift();
        if (event) {
          yield event;
          if (isTerminal(event)) return;
          continue;
        }
        // Resuming after the terminal event (or aborting) has nothing more to wait for.
        if (signal?.aborted || this.finished) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      this.listeners.delete(listener);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
