import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClusterEvent } from '../../../shared/events';
import type { HostStatus, ModelEntry, WorkerEntry } from '../../../shared/pool-status';
import { ClusterEvents } from './cluster-events';
import { journalCluster } from './cluster-journal';
import { Store } from '../store/store';

let home: string;
let store: Store;
let events: ClusterEvents;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'rbees-journal-'));
  store = Store.open(home);
  events = new ClusterEvents();
  journalCluster(events, store.seen, pino({ level: 'silent' }));
});
afterEach(() => {
  vi.useRealTimers();
  store.close();
  rmSync(home, { recursive: true, force: true });
});

const model = (id: string): ModelEntry => ({
  id,
  path: `/m/${id}.gguf`,
  size_bytes: 1,
  modified_at: '2026-11-27T00:00:00Z',
});
const worker = (id: string): WorkerEntry =>
  ({
    id,
    model: 'tiny',
    port: 9000,
    pid: 1,
    status: 'ready',
    slots_total: 1,
    slots_busy: 0,
  }) as WorkerEntry;

const statusEvent = (host: string, models: ModelEntry[], workers: WorkerEntry[]): ClusterEvent => {
  const status: HostStatus = {
    ...{ hostname: host, platform: 'linux', os: 'Debian', arch: 'x64', kernel: '6' },
    ...{ cpu: { model: 'cpu', cores: 2 }, memory: { total_bytes: 1, free_bytes: 1 } },
    ...{ disk: null, gpus: [], probes: [], models, workers },
  };
  return { type: 'host_status', data: { host, at: 1, status, sample: { at: 1, gpus: [] } } };
};

describe('journalCluster', () => {
  it('records where models and workers were last seen, writing only changes', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    events.publish(statusEvent('mac', [model('tiny'), model('big')], [worker('w1')]));
    events.publish(statusEvent('pc', [model('tiny')], []));
    expect(
      store.seen
        .modelSightings('tiny')
        .map((s) => s.host)
        .sort(),
    ).toEqual(['mac', 'pc']);
    expect(store.seen.workers('mac').map((w) => w.id)).toEqual(['w1']);
    const first = store.seen.modelSightings('big')[0]?.seen_at;

    vi.setSystemTime(Date.now() + 5000); // a later sample: a rewrite would show a new seen_at
    events.publish(statusEvent('mac', [model('tiny'), model('big')], []));
    // The models did not change: not rewritten. The workers did.
    expect(store.seen.modelSightings('big')[0]?.seen_at).toBe(first);
    expect(store.seen.workers('mac')).toEqual([]);
    events.publish({ type: 'workers', data: { host: 'mac', workers: [worker('w2')] } });
    expect(store.seen.workers('mac').map((w) => w.id)).toEqual(['w2']);
  });

  it('keeps downloads by id and forgets everything of a removed host', () => {
    const download = {
      ...{ id: 'd1', ref: 'tinyllama', file: null, state: 'running' as const, bytes: 5 },
      ...{ total: 10, pid: 3, started_at: 'x', updated_at: 'y', bytes_per_sec: null, eta_s: null },
    };
    events.publish({ type: 'downloads', data: { host: 'mac', downloads: [download] } });
    events.publish({
      type: 'downloads',
      data: { host: 'mac', downloads: [{ ...download, state: 'done', bytes: 10 }] },
    });
    expect(store.seen.downloads('mac')).toMatchObject([{ id: 'd1', state: 'done', bytes: 10 }]);
    events.publish(statusEvent('mac', [model('tiny')], [worker('w1')]));
    events.publish({ type: 'host_removed', data: { host: 'mac' } });
    expect(store.seen.modelSightings('tiny')).toEqual([]);
    expect(store.seen.workers('mac')).toEqual([]);
    expect(store.seen.downloads('mac')).toEqual([]);
  });
});
