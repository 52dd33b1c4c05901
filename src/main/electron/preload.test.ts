import { afterEach, describe, expect, it, vi } from 'vitest';
import { CONNECTION_CHANNEL } from './bridge';

// Electron cannot run here: the two calls the preload makes are recorded instead.
const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoked: [] as string[],
}));
vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api),
  },
  ipcRenderer: {
    invoke: (channel: string) => {
      electron.invoked.push(channel);
      return Promise.resolve({ apiBase: 'http://127.0.0.1:8080', token: 'tok' });
    },
  },
}));

describe('the preload', () => {
  const argv = process.argv;
  afterEach(() => {
    process.argv = argv;
  });

  it('exposes a tiny fixed object that asks over the one channel, and reads no argument', async () => {
    // What the old command-line handover looked like: nothing may be taken from there.
    process.argv = [...argv, '--rbees-api=http://evil.example', '--rbees-token=from-argv'];
    await import('./preload');
    const bridge = electron.exposed.get('rbees') as Record<string, unknown>;
    expect([...electron.exposed.keys()]).toEqual(['rbees']);
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.keys(bridge).sort()).toEqual(['connection', 'platform']);
    expect(bridge.platform).toBe(process.platform);
    expect(electron.invoked).toEqual([]);
    const connection = bridge.connection as () => Promise<unknown>;
    await expect(connection()).resolves.toEqual({ apiBase: 'http://127.0.0.1:8080', token: 'tok' });
    expect(electron.invoked).toEqual([CONNECTION_CHANNEL]);
  });
});
