import type { EventsOptions } from '../../shared/sdk/client';
import type { ClusterMessage } from '../../shared/sdk/pool';
import { getPool } from '../api/connection';
import { isRetryable } from '../api/retryable';
import { useFaultStore } from '../api/use-fault-store';
import { useClusterStore, type LiveState } from './use-cluster-store';

const BACKOFF_MS = [500, 1000, 2000, 5000, 10_000];

export interface ClusterStreamDeps {
  events: (options: EventsOptions) => AsyncIterable<ClusterMessage>;
  apply: (event: ClusterMessage) => void;
  setLive: (live: LiveState) => void;
  /** A failure that is a bug (useFaultStore's report): shown, and not retried. */
  fault: (what: string, err: unknown) => void;
  backoffMs?: readonly number[];
}

/**
 * Follows `GET /api/events` until `signal` aborts: on a drop it reconnects with Last-Event-ID (the
 * daemon replays what was missed, or sends a fresh snapshot after its restart). Only the daemon
 * being away or refusing the token is retried; any other failure (an event the store cannot
 * apply, an answer that does not parse) stops it as `failed`, reported rather than looped on.
 */
export async function followClusterEvents(
  deps: ClusterStreamDeps,
  signal: AbortSignal,
): Promise<void> {
  const backoff = deps.backoffMs ?? BACKOFF_MS;
  let lastEventId: string | undefined;
  let failures = 0;
  while (!signal.aborted) {
    try {
      const events = deps.events({
        signal,
        ...(lastEventId !== undefined ? { lastEventId } : {}),
      });
      for await (const event of events) {
        failures = 0;
        if (event.id !== undefined) lastEventId = event.id;
        deps.apply(event);
      }
    } catch (err) {
      if (signal.aborted) return;
      if (!isRetryable(err)) {
        deps.setLive('failed');
        deps.fault('Live updates from the daemon', err);
        return;
      }
      // The daemon is away or refuses the token: the banner or the token screen says so.
    }
    if (signal.aborted) return;
    deps.setLive('reconnecting');
    const delay = backoff[Math.min(failures, backoff.length - 1)] ?? 10_000;
    failures += 1;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** Starts following for as long as the page lives; returns the function that stops it. */
export function startClusterStream(): () => void {
  const stop = new AbortController();
  const store = useClusterStore.getState();
  void followClusterEvents(
    {
      events: (options) => getPool().events(options),
      apply: store.apply,
      setLive: store.setLive,
      fault: useFaultStore.getState().report,
    },
    stop.signal,
  );
  return () => stop.abort();
}
