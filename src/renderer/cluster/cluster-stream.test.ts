import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeSse } from '../../shared/sse';
import { Client } from '../../shared/sdk/client';
import { PoolApi, type ClusterMessage } from '../../shared/sdk/pool';
import { useFaultStore } from '../api/use-fault-store';
import { followClusterEvents } from './cluster-stream';
import { useClusterStore, type LiveState } from './use-cluster-store';

const snapshot = (id: number) =>
  encodeSse({ event: 'snapshot', id: String(id), data: '{"hosts":[]}' });

/** An event stream's answer: these frames, then its end or a cut (a browser's on a drop). */
function sse(frames: string[], cut?: Error): Response {
  const bytes = new TextEncoder().encode(frames.join(''));
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(bytes);
      } else if (cut) controller.error(cut);
      else controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

const errorAnswer = (status: number, code: string) =>
  new Response(JSON.stringify({ error: { code, message: `a ${code}` } }), { status });

/**
 * The real SDK over a fetch that answers from `answers`, one per request (a function may throw as
 * fetch does when nothing listens); the stream stops once they are used up.
 */
function follow(answers: (() => Response)[], apply?: (event: ClusterMessage) => void) {
  const stop = new AbortController();
  const requests: (string | null)[] = [];
  const fetchImpl = (async (_url: string, init?: RequestInit) => {
    requests.push(new Headers(init?.headers).get('last-event-id'));
    const next = answers.shift();
    if (!next) {
      stop.abort();
      throw new DOMException('stopped by the test', 'AbortError');
    }
    return next();
  }) as typeof fetch;
  const pool = new PoolApi(new Client('http://127.0.0.1:1', { fetch: fetchImpl }));
  const applied: ClusterMessage[] = [];
  const live: LiveState[] = [];
  const faults: [string, unknown][] = [];
  const done = followClusterEvents(
    {
      events: (options) => pool.events(options),
      apply: apply ?? ((event) => applied.push(event)),
      setLive: (state) => live.push(state),
      fault: (what, err) => faults.push([what, err]),
      backoffMs: [1],
    },
    stop.signal,
  );
  return { done, requests, applied, live, faults };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('followClusterEvents', () => {
  it('resumes after a drop, a daemon away and a refused token, with Last-Event-ID', async () => {
    const s = follow([
      () => sse([snapshot(1), snapshot(2)], new TypeError('network error')),
      () => {
        throw new TypeError('Failed to fetch');
      },
      () => errorAnswer(401, 'UNAUTHORIZED'),
      () => sse([snapshot(3)]),
    ]);
    await s.done;
    expect(s.requests).toEqual([null, '2', '2', '2', '3']);
    expect(s.applied.map((e) => e.id)).toEqual(['1', '2', '3']);
    expect(s.live).toEqual(['reconnecting', 'reconnecting', 'reconnecting', 'reconnecting']);
    expect(s.faults).toEqual([]);
  });

  it('stops on an event the store cannot apply, and reports it (it retried for ever)', async () => {
    const bad = encodeSse({ event: 'host', id: '2', data: 'null' });
    const s = follow([() => sse([snapshot(1), bad]), () => sse([snapshot(3)])], (event) =>
      useClusterStore.getState().apply(event),
    );
    await s.done;
    expect(s.requests).toEqual([null]);
    expect(s.live).toEqual(['failed']);
    expect(s.faults).toHaveLength(1);
    expect(s.faults[0]?.[0]).toBe('Live updates from the daemon');
    expect(s.faults[0]?.[1]).toBeInstanceOf(TypeError);
  });

  it("stops on a daemon's error that a retry would not change", async () => {
    const s = follow([() => errorAnswer(500, 'INTERNAL'), () => sse([snapshot(1)])]);
    await s.done;
    expect(s.requests).toEqual([null]);
    expect(s.live).toEqual(['failed']);
    expect(s.faults[0]?.[1]).toMatchObject({ code: 'INTERNAL', message: 'a INTERNAL' });
  });
});

describe('useFaultStore', () => {
  it('keeps what stopped for the banner and logs the error with its stack', () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const err = new TypeError("Cannot read properties of null (reading 'name')");
    useFaultStore.getState().report('Live updates from the daemon', err);
    expect(logged).toHaveBeenCalledWith('rbees: Live updates from the daemon stopped:', err);
    expect(useFaultStore.getState().faults).toEqual([
      { what: 'Live updates from the daemon', error: { code: 'INTERNAL', message: err.message } },
    ]);
  });
});
