/**
 * The daemon in this process, watched from the outside: the files it holds open (/proc/self/fd)
 * and the intervals it sets. A start that fails closes what it had opened; a close closes it all.
 */
import { readdir, readlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { version } from '../../../package.json';
import { API } from '../../shared/api';
import { resolveConfig } from './config';
import { startDaemon } from './daemon';

const BUNDLE_DIR = fileURLToPath(new URL('../../../out/main/', import.meta.url));

/** The files under `dir` that this process holds open. */
async function openFilesUnder(dir: string): Promise<string[]> {
  const fds = await readdir('/proc/self/fd');
  const targets = await Promise.all(
    fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')),
  );
  return targets.filter((target) => target.startsWith(`${dir}/`));
}

/** Intervals set meanwhile and never cleared (unref'd ones too, which nothing else reveals). */
function watchIntervals(): { left: () => number } {
  const live = new Set<unknown>();
  const set = globalThis.setInterval;
  const clear = globalThis.clearInterval;
  vi.spyOn(globalThis, 'setInterval').mockImplementation((...args: Parameters<typeof set>) => {
    const timer = set(...args);
    live.add(timer);
    return timer;
  });
  vi.spyOn(globalThis, 'clearInterval').mockImplementation((timer) => {
    live.delete(timer);
    clear(timer);
  });
  return { left: () => live.size };
}

let home: string;
let taken: Server | undefined;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'rbees-start-close-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await new Promise((resolve) => (taken ? taken.close(resolve) : resolve(undefined)));
  taken = undefined;
  rmSync(home, { recursive: true, force: true });
});

describe('startDaemon and close, in this process', () => {
  it('closes the store, the log and its timers when the port is taken', async () => {
    const server = createServer();
    taken = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const config = resolveConfig({ RBEES_HOME: home, RBEES_PORT: String(port) });
    const intervals = watchIntervals();

    await expect(startDaemon({ config, bundleDir: BUNDLE_DIR, version })).rejects.toThrow(
      `Port ${port} on 127.0.0.1 is already in use`,
    );
    expect(await openFilesUnder(home)).toEqual([]);
    expect(intervals.left()).toBe(0);
    // Nothing of the failed start holds the home: a daemon starts there at once.
    const again = await startDaemon({
      config: { ...config, port: 0 },
      bundleDir: BUNDLE_DIR,
      version,
    });
    await again.close();
  });

  it('closes every service: no file of its home stays open, no interval runs', async () => {
    const config = resolveConfig({ RBEES_HOME: home, RBEES_PORT: '0' });
    const intervals = watchIntervals();
    const daemon = await startDaemon({ config, bundleDir: BUNDLE_DIR, version });
    expect(await openFilesUnder(home)).not.toEqual([]);
    const health = await fetch(`${daemon.url}${API.health}`);
    expect(health.status).toBe(200);

    await daemon.close();
    expect(await openFilesUnder(home)).toEqual([]);
    expect(intervals.left()).toBe(0);
    await expect(fetch(`${daemon.url}${API.health}`)).rejects.toThrow();
    // A second close (a quit handler and a signal) is the same close, not an error.
    await daemon.close();
  });
});
