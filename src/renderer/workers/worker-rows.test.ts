import { describe, expect, it } from 'vitest';
import type { HostView } from '../../shared/events';
import type { WorkerEntry } from '../../shared/pool-status';
import { buildRows, spawnableHosts, workerKey } from './worker-rows';

function worker(id: string, model: string, started = '2025-01-01T00:00:00Z'): WorkerEntry {
  return {
    id,
    pid: 100,
    port: 4000,
    model,
    model_path: `/m/${model}.gguf`,
    backend: 'cpu',
    gpu: null,
    log: `/l/${id}.log`,
    started_at: started,
    on_demand: false,
    restarts: 0,
    last_error: null,
    status: 'ready',
    slots_total: 1,
    slots_busy: 0,
  };
}

function host(
  name: string,
  workers: WorkerEntry[],
  state: HostView['info']['state'] = 'online',
): HostView {
  return {
    info: { name, spec: name, agent_dir: '', state },
    status: null,
    status_at: null,
    status_error: null,
    workers,
    worker_rates: {},
    downloads: [],
    history: [],
  };
}

describe('buildRows', () => {
  it('lists every worker of every host in host, model, start order', () => {
    const rows = buildRows(
      [
        host('b', [
          worker('w3', 'zeta'),
          worker('w2', 'alpha', '2025-01-02T00:00:00Z'),
          worker('w1', 'alpha'),
        ]),
        host('a', [worker('w4', 'alpha')]),
      ],
      {},
    );
    expect(rows.map((r) => r.key)).toEqual(['b/w1', 'b/w2', 'b/w3', 'a/w4']);
    expect(rows.every((r) => !r.ghost && r.pending === null)).toBe(true);
  });

  it("leaves out the daemon's on-demand workers (the on-demand section lists them)", () => {
    const mine = { ...worker('local-alpha', 'alpha'), on_demand: true };
    const rows = buildRows([host('local', [mine, worker('w1', 'beta')], 'local')], {});
    expect(rows.map((r) => r.key)).toEqual(['local/w1']);
  });

  it('keeps a restarting worker in place until its replacement shows up', () => {
    const old = worker('w1', 'alpha');
    const pending = {
      [workerKey('a', 'w1')]: { kind: 'restarting' as const, host: 'a', worker: old },
    };
    // Still listed: marked as restarting.
    expect(buildRows([host('a', [old])], pending)[0]).toMatchObject({
      pending: 'restarting',
      ghost: false,
    });
    // Gone from the list, no replacement yet: a ghost row.
    expect(buildRows([host('a', [])], pending)).toMatchObject([{ key: 'a/w1', ghost: true }]);
    // The replacement is listed: the ghost goes.
    const done = { [workerKey('a', 'w1')]: { ...pending['a/w1']!, replacement: 'w9' } };
    expect(buildRows([host('a', [worker('w9', 'alpha')])], done).map((r) => r.key)).toEqual([
      'a/w9',
    ]);
  });

  it('does not keep a stopped worker', () => {
    const pending = { 'a/w1': { kind: 'stopping' as const, host: 'a', worker: worker('w1', 'x') } };
    expect(buildRows([host('a', [])], pending)).toEqual([]);
  });
});

describe('spawnableHosts', () => {
  it('offers only connected hosts with a status', () => {
    const withStatus = (h: HostView): HostView => ({ ...h, status: {} as HostView['status'] });
    const hosts = [
      withStatus(host('local', [], 'local')),
      withStatus(host('up', [])),
      host('nostatus', []),
      withStatus(host('down', [], 'offline')),
    ];
    expect(spawnableHosts(hosts).map((h) => h.info.name)).toEqual(['local', 'up']);
  });
});
