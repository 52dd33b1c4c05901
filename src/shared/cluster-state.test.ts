import { describe, expect, it } from 'vitest';
import { applyClusterEvent } from './cluster-state';
import type { ClusterEvent, ClusterSnapshot } from './events';
import { HISTORY_MS } from './events';
import type { HostStatus } from './pool-status';

const status = (workers: HostStatus['workers'] = []): HostStatus => ({
  ...{ hostname: 'h', platform: 'linux', os: 'Debian', arch: 'x64', kernel: '6' },
  ...{ cpu: { model: 'cpu', cores: 2 }, memory: { total_bytes: 1, free_bytes: 1 } },
  ...{ disk: null, gpus: [], probes: [], models: [], workers },
});

function run(events: ClusterEvent[], from: ClusterSnapshot = { hosts: [] }): ClusterSnapshot {
  return events.reduce(applyClusterEvent, from);
}

const online = (name: string): ClusterEvent => ({
  type: 'host',
  data: { name, spec: name, agent_dir: '~/a', state: 'online' },
});

describe('applyClusterEvent', () => {
  it('adds hosts, updates their state in place, removes them', () => {
    const state = run([online('a'), online('b'), { ...online('a') }]);
    expect(state.hosts.map((h) => h.info.name)).toEqual(['a', 'b']);
    const offline = applyClusterEvent(state, {
      type: 'host',
      data: { name: 'a', spec: 'a', agent_dir: '~/a', state: 'offline', reason: 'cut' },
    });
    expect(offline.hosts[0]?.info).toMatchObject({ state: 'offline', reason: 'cut' });
    // An unchanged host keeps its object: the UI re-renders only what changed.
    expect(offline.hosts[1]).toBe(state.hosts[1]);
    expect(run([{ type: 'host_removed', data: { host: 'a' } }], offline).hosts).toHaveLength(1);
  });

  it('keeps ten minutes of GPU samples, and the workers from the status', () => {
    let state = run([online('a')]);
    const worker = { id: 'w1', pid: 9, port: 1, model: 'm', model_path: '/m', backend: 'cpu' };
    for (let i = 0; i <= 200; i++) {
      const at = i * 5000;
      state = applyClusterEvent(state, {
        type: 'host_status',
        data: {
          host: 'a',
          at,
          status: status([
            {
              ...worker,
              ...{ backend: 'cpu', gpu: null, log: 'l', started_at: '' },
              ...{ on_demand: false, restarts: 0, last_error: null },
              ...{ status: 'ready', slots_total: 1, slots_busy: 0 },
            },
          ]),
          sample: { at, gpus: [] },
        },
      });
    }
    const view = state.hosts[0];
    expect(view?.history.at(-1)?.at).toBe(200 * 5000);
    expect(view?.history[0]?.at).toBe(200 * 5000 - HISTORY_MS);
    expect(view?.workers.map((w) => w.id)).toEqual(['w1']);
    expect(view?.status_error).toBeNull();
  });

  it('follows a download from start to done, and a failed one', () => {
    const state = run([
      online('a'),
      {
        type: 'download',
        data: {
          host: 'a',
          id: 'd1',
          event: {
            event: 'start',
            id: 'd1',
            ref: 'r',
            file: 'f.gguf',
            total: 100,
            resumed_from: 10,
          },
        },
      },
      {
        type: 'download',
        data: {
          host: 'a',
          id: 'd1',
          event: { event: 'progress', bytes: 50, total: 100, bytes_per_sec: 5, eta_s: 10 },
        },
      },
    ]);
    expect(state.hosts[0]?.downloads[0]).toMatchObject({
      ...{ id: 'd1', file: 'f.gguf', state: 'running', bytes: 50, total: 100 },
      ...{ bytes_per_sec: 5, eta_s: 10 },
    });
    const done = run(
      [
        {
          type: 'download',
          data: {
            host: 'a',
            id: 'd1',
            event: { event: 'done', id: 'd1', path: '/p', sha256: 's' },
          },
        },
      ],
      state,
    );
    expect(done.hosts[0]?.downloads[0]).toMatchObject({ state: 'done', bytes: 100, eta_s: null });
    const failed = run(
      [
        {
          type: 'download',
          data: { host: 'a', id: 'd2', event: { event: 'error', code: 'CANCELLED', message: 'x' } },
        },
      ],
      done,
    );
    expect(failed.hosts[0]?.downloads.map((d) => [d.id, d.state])).toEqual([
      ['d2', 'cancelled'],
      ['d1', 'done'],
    ]);
  });

  it('keeps the last decode rate of each worker', () => {
    const state = run([
      online('a'),
      { type: 'worker_rate', data: { host: 'a', worker: 'w1', tokens_per_sec: 30 } },
      { type: 'worker_rate', data: { host: 'a', worker: 'w1', tokens_per_sec: 42 } },
      { type: 'worker_rate', data: { host: 'a', worker: 'w2', tokens_per_sec: 7 } },
    ]);
    expect(state.hosts[0]?.worker_rates).toEqual({ w1: 42, w2: 7 });
  });

  it('ignores events about a host it does not know', () => {
    const state = run([online('a')]);
    const after = applyClusterEvent(state, { type: 'workers', data: { host: 'zz', workers: [] } });
    expect(after).toBe(state);
  });
});
