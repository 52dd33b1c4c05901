import { createHash } from 'node:crypto';
import { toErrorBody } from '../../../shared/errors';
import type { ClusterSnapshot } from '../../../shared/events';
import { canServe } from '../../../shared/hosts';
import { WORKER_ID } from '../../../shared/ids';
import { spawnWorkerOn, stopWorkerOn } from '../hosts/agent-workers';
import { LOCAL_HOST, type HostRegistry } from '../hosts/host-registry';
import type { Logger } from '../logger';
import type { ClusterWorkers, FreeVram } from './cluster-workers';
import type { LocalModel, LocalModels } from './local-models';

/** A model file dropped in by hand is seen this long after; an unknown name re-reads at once. */
const LOCAL_MODELS_TTL_MS = 2000;
/** At close, each stop (SIGTERM, then SIGKILL after 5 s on the host) gets this long. */
const CLOSE_STOP_MS = 10_000;

export interface OnDemandOptions {
  hosts: HostRegistry;
  cluster: ClusterWorkers;
  /** This computer's model files (its models folder, read without its agent: a readdir). */
  models: Pick<LocalModels, 'list'>;
  /** The cluster's live state: which pool host has which model file. */
  state: () => ClusterSnapshot;
  /** Resolves when the host's status read under way ends (ClusterMonitor.statusRead). */
  statusRead: (host: string) => Promise<void>;
  freeVram: FreeVram;
  logger: Logger;
  /** RBEES_WORKER_IDLE_S, in ms. */
  idleMs: number;
  /** RBEES_WORKER_SLOTS and RBEES_WORKER_THREADS: how every on-demand worker is started. */
  slots: number;
  threads: number | undefined;
}

/** A model file on a host that can serve: where an on-demand worker can start. */
export interface ModelFile {
  id: string;
  host: string;
}

/**
 * The workers the daemon starts by itself when a job needs a model that no worker serves: one
 * path for every host, this computer included (its agent, reached without SSH). It starts one
 * where the model's file is (this computer first, then the pool host with the most free VRAM)
 * through that host's agent (`worker spawn --on-demand`, whose keeper restarts it with backoff),
 * stops one that sat idle for RBEES_WORKER_IDLE_S, and stops them all when the daemon closes. A
 * daemon that crashed finds its on-demand workers again (they are detached) and treats them the
 * same. Workers someone started are never stopped here.
 */
export class OnDemandWorkers {
  private readonly starting = new Map<string, { host: string | null; done: Promise<void> }>();
  private readonly idleSince = new Map<string, number>();
  private readonly abort = new AbortController();
  private local: { at: number; list: LocalModel[] } | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly deps: OnDemandOptions) {
    this.timer = setInterval(() => this.sweep(), Math.max(100, Math.min(30_000, deps.idleMs / 4)));
    this.timer.unref();
  }

  /**
   * The model files of every host that can serve: this computer's folder (re-read at most every
   * LOCAL_MODELS_TTL_MS unless `fresh`), and the pool hosts' files as their agents last listed;
   * `fresh` also waits for the first status of a host that just came online.
   */
  async files(fresh: boolean): Promise<ModelFile[]> {
    const cached = this.local;
    if (fresh || !cached || Date.now() - cached.at >= LOCAL_MODELS_TTL_MS) {
      const [list] = await Promise.all([this.deps.models.list(), fresh && this.firstStatuses()]);
      this.local = { at: Date.now(), list };
    }
    return this.knownFiles();
  }

  /** A host that can serve has the model's file (as last read: see `files`). */
  has(modelId: string): boolean {
    return this.knownFiles().some((f) => f.id === modelId);
  }

  /** Starts one worker for the model; concurrent calls for a model share the attempt. */
  start(modelId: string): Promise<void> {
    const running = this.starting.get(modelId);
    if (running) return running.done;
    const attempt = { host: null as string | null, done: Promise.resolve() };
    attempt.done = this.startOnBestHost(modelId, (host) => (attempt.host = host)).finally(() =>
      this.starting.delete(modelId),
    );
    this.starting.set(modelId, attempt);
    return attempt.done;
  }

  /** Models whose worker is being started now, and where (null: the host is not chosen yet). */
  startingNow(): { model: string; host: string | null }[] {
    return [...this.starting].map(([model, { host }]) => ({ model, host }));
  }

  /**
   * Stops every on-demand worker the cluster lists (the daemon's workers end with it, on every
   * host it reaches; a host it cannot reach stops nothing, and a later daemon adopts them), after
   * cancelling the starts under way.
   */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.abort.abort();
    await Promise.allSettled([...this.starting.values()].map((s) => s.done));
    const mine = this.deps.cluster.entries().filter(({ entry }) => entry.on_demand === true);
    await Promise.all(
      mine.map(({ host, entry }) =>
        this.stop(host, entry.id, 'shutdown', AbortSignal.timeout(CLOSE_STOP_MS)),
      ),
    );
  }

  /**
   * Waits for the status reads of the pool hosts that can serve but were never read (one just
   * added or back): until then their files are unknown, and a job would be refused or placed as
   * if they had none.
   */
  private async firstStatuses(): Promise<void> {
    const unread = this.deps
      .state()
      .hosts.filter((h) => canServe(h.info) && h.info.name !== LOCAL_HOST && !h.status);
    await Promise.all(unread.map((h) => this.deps.statusRead(h.info.name)));
  }

  private knownFiles(): ModelFile[] {
    const local = (this.local?.list ?? []).map((m) => ({ id: m.id, host: LOCAL_HOST }));
    const pool = this.deps
      .state()
      .hosts.filter((h) => canServe(h.info) && h.info.name !== LOCAL_HOST)
      .flatMap((h) => (h.status?.models ?? []).map((m) => ({ id: m.id, host: h.info.name })));
    return [...local, ...pool];
  }

  /**
   * This computer first, then the most free VRAM, then the order the hosts were added in; the
   * next host is tried when one refuses.
   */
  private async startOnBestHost(modelId: string, chosen: (host: string) => void): Promise<void> {
    const { cluster, freeVram } = this.deps;
    await this.firstStatuses();
    const hosts = [
      ...new Set(
        this.knownFiles()
          .filter((f) => f.id === modelId)
          .map((f) => f.host),
      ),
    ];
    const rank = (host: string) => (host === LOCAL_HOST ? Infinity : (freeVram(host, null) ?? -1));
    hosts.sort((a, b) => rank(b) - rank(a));
    let failure: unknown;
    for (const host of hosts) {
      chosen(host);
      try {
        // A worker found there (adopted after a restart, or just started by someone) will do.
        await cluster.known(host);
        if (cluster.serves(modelId)) return;
        const spawned = await spawnWorkerOn(
          await this.deps.hosts.agent(host),
          this.spawnArgs(host, modelId),
          { signal: this.abort.signal },
        );
        this.deps.logger.info({ host, worker: spawned.id, model: modelId }, 'worker started');
        await cluster.add(host, spawned, true);
        return;
      } catch (err) {
        failure = err;
        this.deps.logger.warn(
          { host, model: modelId, error: toErrorBody(err).message },
          'no start',
        );
        if (this.abort.signal.aborted) break;
      }
    }
    throw failure;
  }

  private spawnArgs(host: string, modelId: string): string[] {
    const { slots, threads } = this.deps;
    return [
      ...['auto', '--model', modelId, '--id', onDemandId(host, modelId)],
      ...['--slots', String(slots), '--on-demand'],
      ...(threads === undefined ? [] : ['--threads', String(threads)]),
      // This computer's workers end with this daemon, even when it crashes (its keeper too); a
      // pool host's live on for the next daemon to adopt.
      ...(host === LOCAL_HOST ? ['--parent-pid', String(process.pid)] : []),
    ];
  }

  /** Stops the on-demand workers nobody used for idleMs; a slot taken meanwhile resets it. */
  private sweep(): void {
    const now = Date.now();
    const seen = new Set<string>();
    for (const worker of this.deps.cluster.list()) {
      if (worker.onDemand !== true) continue;
      const key = `${worker.host}/${worker.id}`;
      seen.add(key);
      const since = this.idleSince.get(key);
      if (worker.busy > 0) this.idleSince.delete(key);
      else if (since === undefined) this.idleSince.set(key, now);
      else if (now - since >= this.deps.idleMs) {
        this.idleSince.delete(key);
        void this.stop(worker.host, worker.id, 'idle');
      }
    }
    for (const key of this.idleSince.keys()) if (!seen.has(key)) this.idleSince.delete(key);
  }

  private async stop(host: string, id: string, why: 'idle' | 'shutdown', signal?: AbortSignal) {
    const { cluster, logger } = this.deps;
    // From now on no job goes to it: the one taking a slot would meet a worker on its way out.
    cluster.markStopping(host, id);
    try {
      const runner = await this.deps.hosts.agent(host);
      await stopWorkerOn(runner, id, signal ? { signal } : {});
      logger.info({ host, worker: id, why }, 'worker stopped');
    } catch (err) {
      logger.warn({ host, worker: id, error: toErrorBody(err).message }, 'no stop');
    }
    if (why === 'idle') await cluster.refresh(host);
  }
}

/**
 * `<host>-<model>`: one on-demand worker per model and host, so a start after a crash or a
 * give-up replaces the record rather than adding one; hashed when that is no valid worker id.
 */
export function onDemandId(host: string, modelId: string): string {
  const id = `${host}-${modelId}`;
  if (WORKER_ID.pattern.test(id)) return id;
  return `on-demand-${createHash('sha256').update(`${host}\n${modelId}`).digest('hex').slice(0, 16)}`;
}
