import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchParent } from './parent-watch';

afterEach(() => {
  vi.useRealTimers();
});

describe('watchParent', () => {
  it('stays quiet while the parent lives, then calls onGone once when it is gone', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    // A pid that existed and ended: nothing runs under it now (pids are not reused this fast).
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    let alive = 0;
    let dead = 0;
    watchParent(process.pid, () => (alive += 1));
    watchParent(gone, () => (dead += 1));
    vi.advanceTimersByTime(999);
    expect([alive, dead]).toEqual([0, 0]);
    vi.advanceTimersByTime(1);
    expect([alive, dead]).toEqual([0, 1]);
    vi.advanceTimersByTime(60_000);
    expect([alive, dead]).toEqual([0, 1]);
    expect(vi.getTimerCount()).toBe(1); // the live parent's watch goes on
  });

  it('never calls onGone for a process that exists, and stops watching when told', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let gone = 0;
    const stop = watchParent(1, () => (gone += 1)); // init: always there (EPERM unless root)
    vi.advanceTimersByTime(5000);
    expect(gone).toBe(0);
    stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
