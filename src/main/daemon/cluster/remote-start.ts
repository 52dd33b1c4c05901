import { toErrorBody } from '../../../shared/errors';
import type { ClusterSnapshot } from '../../../shared/events';
import type { ClusterWorkers, FreeVram } from './cluster-workers';
import { spawnWorkerOn, stopWorkerOn } from '../hosts/agent-workers';
import { LOCAL_HOST, type HostRegistry } from '../hosts/host-registry';
import type { Logger } from '../logger';

interface Started {
  host: string;
  id: string;
  idleSince: number | null;
}

/**
 * Starts a worker on a pool host that has a model's file when a job needs it and no worker serves
 * it (this computer's files are the supervisor's, and come first), and stops the workers it
 * started once they sat idle for RBEES_WORKER_IDLE_S. Workers someone started by hand are never
 * stopped here.
 */
export class RemoteStarter {
  private readonly starting = new Map<string, Promise<void>>();
  private readonly started = new Map<string, Started>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly deps: {
      hosts: HostRegistry;
      cluster: ClusterWorkers;
      /** The cluster's live state: which online host has which model file. */
      state: () => ClusterSnapshot;
      freeVram: FreeVram;
      idleMs: number;
      logger: Logger;
    },
  ) {
    this.timer = setInterval(() => this.sweep(), Math.min(30_000, deps.idleMs / 4));
    this.timer.unref();
  }

  /** The model files of the online pool hosts, as their agents last listed them. */
  models(): { id: string; host: string }[] {
    return this.deps
      .state()
      .hosts.filter((h) => h.info.state === 'online' && h.info.name !== LOCAL_HOST)
      .flatMap((h) => (h.status?.models ?? []).map((m) => ({ id: m.id, host: h.info.name })));
  }

  has(modelId: string): boolean {
    return this.models().some((m) => m.id === modelId);
  }

  /** Starts one worker for the model; concurrent calls for a model share the attempt. */
  start(modelId: string): Promise<void> {
    const running = this.starting.get(modelId);
    if (running) return running;
    const attempt = this.startOnBestHost(modelId).finally(() => this.starting.delete(modelId));
    this.starting.set(modelId, attempt);
    return attempt;
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** The hosts with the file, most free VRAM first; the next is tried when one refuses. */
  private async startOnBestHost(modelId: string): Promise<void> {
    const hosts = [
      ...new Set(
        this.models()
          .filter((m) => m.id === modelId)
          .map((m) => m.host),
      ),
    ];
    hosts.sort((a, b) => (this.deps.freeVram(b, null) ?? -1) - (this.deps.freeVram(a, null) ?? -1));
    let failure: unknown;
    for (const host of hosts) {
      try {
        const runner = await this.deps.hosts.agent(host);
        // Its secret comes again with the `worker list` of the refresh below.
        const { id } = await spawnWorkerOn(runner, ['auto', '--model', modelId]);
        this.started.set(`${host}/${id}`, { host, id, idleSince: null });
        this.deps.logger.info({ host, worker: id, model: modelId }, 'worker started for a job');
        await this.deps.cluster.refresh(host);
        return;
      } catch (err) {
        failure = err;
        this.deps.logger.warn(
          { host, model: modelId, error: toErrorBody(err).message },
          'no start',
        );
      }
    }
    throw failure;
  }

  /** Stops what this daemon started and nobody used for idleMs. */
  private sweep(): void {
    const now = Date.now();
    const live = new Map(this.deps.cluster.list().map((w) => [`${w.host}/${w.id}`, w]));
    for (const [key, started] of this.started) {
      const worker = live.get(key);
      if (!worker) {
        this.started.delete(key); // stopped by hand, or its host is away
      } else if (worker.busy > 0) {
        started.idleSince = null;
      } else if (started.idleSince === null) {
        started.idleSince = now;
      } else if (now - started.idleSince >= this.deps.idleMs) {
        this.started.delete(key);
        void this.stop(started);
      }
    }
  }

  private async stop({ host, id }: Started): Promise<void> {
    try {
      await stopWorkerOn(await this.deps.hosts.agent(host), id);
      this.deps.logger.info({ host, worker: id }, 'idle worker stopped');
    } catch (err) {
      this.deps.logger.warn({ host, worker: id, error: toErrorBody(err).message }, 'no stop');
    }
    await this.deps.cluster.refresh(host);
  }
}
