import { toErrorBody } from '../../../shared/errors';
import { canServe } from '../../../shared/hosts';
import type { SpawnedWorker, WorkerEntry } from '../../../shared/pool-status';
import { tunnelAgent } from '../../ssh';
import { listWorkers, servingWorkers, withoutSecrets } from '../hosts/agent-workers';
import type { HostRegistry } from '../hosts/host-registry';
import { LOCAL_HOST } from '../hosts/host-registry';
import type { Logger } from '../logger';
import { rankWorkers, type ClusterWorker, type FreeVram } from './worker-rank';
import { statusOf, type WorkerTarget } from './worker-target';

export { freeVram, rankWorkers, type ClusterWorker, type FreeVram } from './worker-rank';
export type { WorkerTarget } from './worker-target';

/**
 * A host with a worker on its way (starting, restarting) is listed again this often, and less
 * often once that takes long (a large model loading for minutes).
 */
const POLL_MS = 1000;
const SLOW_POLL_MS = 5000;
const QUICK_POLLS = 15;
/** Listed but not serving yet: jobs for its model wait for it rather than start another. */
const ON_ITS_WAY: ReadonlySet<WorkerEntry['status']> = new Set(['starting', 'restarting']);

/**
 * The workers that hosts' agents run (this computer's too), found with `rbees-pool worker list`:
 * refreshed when a host comes online, after a spawn or stop through the API, when a request names
 * a model nobody is known to serve, when a job finds its worker gone, and every POLL_MS while a
 * host has a worker on its way back (its keeper restarts it after a crash). Slots in use are
 * counted here, by the daemon that fills them.
 */
export class ClusterWorkers {
  /** The workers that can take a job, by host. */
  private readonly byHost = new Map<string, ClusterWorker[]>();
  /** Everything the hosts' agents listed, fit to show (no secrets). */
  private readonly listed = new Map<string, WorkerEntry[]>();
  private readonly refreshing = new Map<string, Promise<void>>();
  private readonly polls = new Map<string, { timer: NodeJS.Timeout; count: number }>();
  /** `host/id` of workers the daemon is stopping: no new job goes to them. */
  private readonly stopping = new Set<string>();
  private closed = false;

  constructor(
    private readonly deps: {
      hosts: HostRegistry;
      logger: Logger;
      /** Slots or workers changed: queued jobs may now be dispatched. */
      onChange: () => void;
      /** A host's workers as its agent just listed them (for the live events). */
      onWorkers?: (host: string, workers: WorkerEntry[]) => void;
      freeVram?: FreeVram;
    },
  ) {
    deps.hosts.onChange((change) => {
      if (change.type === 'removed') return this.forget(change.name);
      const { name, state } = change.info;
      if (state === 'online') this.refresh(name).catch(() => undefined);
      else if (state === 'offline' || state === 'idle') this.forget(name);
    });
  }

  /** Every worker of every host that can take a job, as routing sees it. */
  list(): ClusterWorker[] {
    return [...this.byHost.values()].flat();
  }

  /** Every worker the hosts listed, serving or not (on-demand.ts shows the daemon's own). */
  entries(): { host: string; entry: WorkerEntry }[] {
    return [...this.listed].flatMap(([host, entries]) => entries.map((entry) => ({ host, entry })));
  }

  /** Model ids some worker serves or will serve again soon, on any host. */
  models(): { id: string; host: string }[] {
    return this.entries()
      .filter(({ entry }) => entry.status === 'ready' || ON_ITS_WAY.has(entry.status))
      .map(({ host, entry }) => ({ id: entry.model, host }));
  }

  /** A worker serves the model, or one is on its way: jobs for it wait rather than start one. */
  serves(modelId: string): boolean {
    if (this.candidates(modelId).length > 0) return true;
    return this.entries().some(
      ({ host, entry }) =>
        entry.model === modelId &&
        ON_ITS_WAY.has(entry.status) &&
        !this.stopping.has(`${host}/${entry.id}`),
    );
  }

  /** The worker with a free slot that should take the model's next job (see rankWorkers). */
  pick(modelId: string): ClusterWorker | undefined {
    return rankWorkers(this.candidates(modelId), this.deps.freeVram)[0];
  }

  /** The largest context a worker of the model offers; null when none reported one. */
  contextSize(modelId: string): number | null {
    const sizes = this.candidates(modelId).flatMap((w) => w.contextSize ?? []);
    return sizes.length > 0 ? Math.max(...sizes) : null;
  }

  adjustBusy(worker: ClusterWorker, delta: 1 | -1): void {
    worker.busy = Math.max(0, worker.busy + delta);
    if (delta < 0) this.deps.onChange();
  }

  /** The daemon is stopping this worker: no new job goes to it. */
  markStopping(host: string, id: string): void {
    this.stopping.add(`${host}/${id}`);
  }

  isStopping(host: string, id: string): boolean {
    return this.stopping.has(`${host}/${id}`);
  }

  /** Re-reads every reachable host (this computer and the online ones), in parallel. */
  async refreshAll(): Promise<void> {
    const names = this.deps.hosts
      .list()
      .filter(canServe)
      .map((h) => h.name);
    await Promise.all(names.map((name) => this.refresh(name).catch(() => undefined)));
  }

  /** Re-reads one host's workers; concurrent calls share one `worker list`. */
  refresh(host: string): Promise<void> {
    const running = this.refreshing.get(host);
    if (running) return running;
    const done = this.read(host).finally(() => this.refreshing.delete(host));
    this.refreshing.set(host, done);
    return done;
  }

  /** Lists the host's workers unless that was done since it came online. */
  async known(host: string): Promise<void> {
    if (!this.listed.has(host) || this.refreshing.has(host)) await this.refresh(host);
  }

  /**
   * A worker the daemon just spawned, from the agent's answer: it takes jobs at once, without
   * waiting for another `worker list` (which follows, for the live events and the full entry).
   */
  async add(host: string, spawned: SpawnedWorker, onDemand: boolean): Promise<void> {
    const target = (await this.targetFor(host))(spawned.port, spawned.secret);
    const status = await statusOf(target);
    const worker: ClusterWorker = {
      ...{ host, id: spawned.id, model: spawned.model, slots: status?.slots ?? 1, target },
      ...{ gpu: null, contextSize: status?.contextSize ?? null, onDemand, busy: 0 },
    };
    const others = <T extends { id: string }>(list: readonly T[] | undefined): T[] =>
      (list ?? []).filter((w) => w.id !== spawned.id);
    this.byHost.set(host, [...others(this.byHost.get(host)), worker]);
    const entry: WorkerEntry = {
      ...{ id: spawned.id, pid: spawned.pid, port: spawned.port, model: spawned.model },
      ...{ model_path: '', backend: spawned.backend, gpu: null, log: spawned.log },
      ...{ started_at: new Date().toISOString(), on_demand: onDemand, restarts: 0 },
      ...{ last_error: null, status: 'ready', slots_total: worker.slots, slots_busy: 0 },
    };
    this.listed.set(host, [...others(this.listed.get(host)), entry]);
    this.deps.onChange();
    void this.refresh(host);
  }

  forget(host: string): void {
    clearTimeout(this.polls.get(host)?.timer);
    this.polls.delete(host);
    this.listed.delete(host);
    if (this.byHost.delete(host)) this.deps.onChange();
  }

  close(): void {
    this.closed = true;
    for (const { timer } of this.polls.values()) clearTimeout(timer);
    this.polls.clear();
  }

  private candidates(modelId: string): ClusterWorker[] {
    return this.list().filter(
      (w) => w.model === modelId && !this.stopping.has(`${w.host}/${w.id}`),
    );
  }

  private async read(host: string): Promise<void> {
    try {
      const listed = await listWorkers(await this.deps.hosts.agent(host));
      const shown = withoutSecrets(listed);
      this.deps.onWorkers?.(host, shown);
      this.listed.set(host, shown);
      const target = await this.targetFor(host);
      const before = new Map((this.byHost.get(host) ?? []).map((w) => [w.id, w]));
      // `unresponsive` is a worker that did not answer the agent's /status within a second: one
      // this daemon already sends jobs to stays in service (a loaded host answers late; a dead
      // one refuses the next job's connection, and that re-reads the host).
      const inService = listed.map((w) =>
        w.status === 'unresponsive' &&
        before.get(w.id)?.target.baseUrl === `http://127.0.0.1:${w.port}`
          ? { ...w, status: 'ready' as const }
          : w,
      );
      const workers = await Promise.all(
        servingWorkers(inService).map(async (w): Promise<ClusterWorker> => {
          const to = target(w.port, w.secret);
          const known = before.get(w.id);
          // The same object for a worker seen before: a job's lease gives its slot back to the
          // object it took it from, and `busy` (slots in flight through this daemon, which the
          // agent cannot know) must not be copied into a new one that the release never reaches.
          if (known && known.target.baseUrl === to.baseUrl) {
            known.target = to; // a new SSH session after a reconnect: a new tunnel
            return known;
          }
          // Read once per run of a worker, so that admission can check a request's fit without I/O.
          const status = await statusOf(to);
          return {
            ...{ host, id: w.id, model: w.model, slots: w.slots_total ?? 1, target: to },
            ...{ gpu: w.gpu, contextSize: status?.contextSize ?? null },
            ...{ onDemand: w.on_demand === true, busy: 0 },
          };
        }),
      );
      this.byHost.set(host, workers);
      const present = new Set(shown.map((w) => `${host}/${w.id}`));
      for (const key of this.stopping) {
        if (key.startsWith(`${host}/`) && !present.has(key)) this.stopping.delete(key);
      }
      this.pollWhileOnTheirWay(host, shown);
    } catch (err) {
      this.deps.logger.warn({ host, error: toErrorBody(err).message }, 'cannot list workers');
      this.byHost.delete(host);
      this.listed.delete(host);
    }
    this.deps.onChange();
  }

  private pollWhileOnTheirWay(host: string, shown: readonly WorkerEntry[]): void {
    const previous = this.polls.get(host);
    clearTimeout(previous?.timer);
    this.polls.delete(host);
    if (this.closed || !shown.some((w) => ON_ITS_WAY.has(w.status))) return;
    const count = (previous?.count ?? 0) + 1;
    const timer = setTimeout(
      () => void this.refresh(host).catch(() => undefined),
      count > QUICK_POLLS ? SLOW_POLL_MS : POLL_MS,
    );
    timer.unref();
    this.polls.set(host, { timer, count });
  }

  private async targetFor(host: string): Promise<(port: number, secret: string) => WorkerTarget> {
    const baseUrl = (port: number) => `http://127.0.0.1:${port}`;
    if (host === LOCAL_HOST) return (port, secret) => ({ baseUrl: baseUrl(port), secret });
    const agent = tunnelAgent(await this.deps.hosts.sessionOf(host));
    return (port, secret) => ({ baseUrl: baseUrl(port), secret, agent });
  }
}
