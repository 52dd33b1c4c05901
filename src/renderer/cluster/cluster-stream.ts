import { getPool } from '../api/connection';
import { useClusterStore } from './use-cluster-store';

const BACKOFF_MS = [500, 1000, 2000, 5000, 10_000];

/**
 * Follows `GET /api/events` for as long as the page lives: on a drop it reconnects with
 * Last-Event-ID (the daemon replays what was missed, or sends a fresh snapshot after its restart).
 * Returns the function that stops it.
 */
export function startClusterStream(): () => void {
  const stop = new AbortController();
  void (async () => {
    const store = useClusterStore.getState();
    let lastEventId: string | undefined;
    let failures = 0;
    while (!stop.signal.aborted) {
      try {
        const events = getPool().events({
          signal: stop.signal,
          ...(lastEventId !== undefined ? { lastEventId } : {}),
        });
        for await (const event of events) {
          failures = 0;
          if (event.id !== undefined) lastEventId = event.id;
          store.apply(event);
        }
      } catch {
        // Dropped or refused: the connection banner reports a dead daemon; retry below.
      }
      if (stop.signal.aborted) return;
      store.setLive('reconnecting');
      const delay = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)] ?? 10_000;
      failures += 1;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  })();
  return () => stop.abort();
}
