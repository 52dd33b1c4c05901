import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { API } from '../../shared/api';
import { Client } from '../../shared/sdk/client';
import { HistoryApi } from '../../shared/sdk/history';
import { useFaultStore } from '../api/use-fault-store';
import { startChatSync } from './chat-sync';

/** The real SDK over a fetch that answers each path from `answer`, counting the lists asked. */
function daemon(answer: (path: string, call: number) => Response) {
  const lists: string[] = [];
  const fetchImpl = (async (url: string) => {
    const path = new URL(url).pathname;
    if (path === API.conversations) lists.push(path);
    return answer(path, lists.length);
  }) as typeof fetch;
  return { api: new HistoryApi(new Client('http://127.0.0.1:1', { fetch: fetchImpl })), lists };
}

const json = (body: unknown) => new Response(JSON.stringify(body));

beforeEach(() => {
  // The window's own part of the chat (chat-storage.ts) is saved there, as in a browser.
  const items = new Map<string, string>();
  vi.stubGlobal('localStorage', {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  });
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  useFaultStore.setState({ faults: [] });
});

describe('startChatSync', () => {
  it('loads the history again while the daemon is away, until it answers', async () => {
    vi.useFakeTimers();
    const { api, lists } = daemon((path, call) => {
      if (path === API.settings) return json({});
      if (call === 1) throw new TypeError('Failed to fetch');
      return json({ conversations: [] });
    });
    const stop = startChatSync(api);
    await vi.advanceTimersByTimeAsync(1999);
    expect(lists).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(lists).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(lists).toHaveLength(2);
    expect(useFaultStore.getState().faults).toEqual([]);
    stop();
  });

  it('reports an answer it cannot merge instead of asking for it for ever', async () => {
    vi.useFakeTimers();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const { api, lists } = daemon((path) =>
      path === API.settings ? json({}) : json({ conversations: 7 }),
    );
    const stop = startChatSync(api);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(lists).toHaveLength(1);
    expect(useFaultStore.getState().faults).toMatchObject([
      { what: 'Loading the chat history', error: { code: 'INTERNAL' } },
    ]);
    stop();
  });
});
