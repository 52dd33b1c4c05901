import type { Agent } from 'node:http';
import { toErrorBody } from '../../shared/errors';
import type { WorkerEntry } from '../../shared/pool-status';
import { tunnelAgent } from '../ssh';
import { agentAnswer } from './hosts/agent-runner';
import type { HostRegistry } from './hosts/host-registry';
import { LOCAL_HOST } from './hosts/host-registry';
import type { Logger } from './logger';

/** Where a job's request goes: a worker's base URL, and for a pool host the SSH tunnel to it. */
export interface WorkerTarget {
  baseUrl: string;
  /** Opens each connection as a channel of the host's SSH session; none for this computer. */
  agent?: Agent;
}

/** A worker a host's agent runs (`rbees-pool worker spawn`), as routing sees it. */
export interface ClusterWorker {
  readonly host: string;
  readonly id: string;
  readonly model: string;
  readonly slots: number;
  readonly target: WorkerTarget;
  busy: number;
}

/**
 * The workers that hosts' agents run, found with `rbees-pool worker list`: refreshed when a host
 * comes online, after a spawn or stop through the API, and when a request names a model nobody
 * is known to serve. Slots in use are counted here, by the daemon that fills them.
 */
export class ClusterWorkers {
  private readonly byHost = new Map<string, ClusterWorker[]>();
  private readonly refreshing = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: {
      hosts: HostRegistry;
      logger: Logger;
      /** Slots or workers changed: queued jobs may now be dispatched. */
      onChange: () => void;
      /** A host's workers as its agent just listed them (for the live events). */
      onWorkers?: (host: string, workers: WorkerEntry[]) => void;
    },
  ) {
    deps.hosts.onChange((change) => {
      if (change.type === 'removed') return this.forget(change.name);
      const { name, state } = change.info;
      if (state === 'online') this.refresh(name).catch(() => undefined);
      else if (state === 'offline' || state === 'idle') this.forget(name);
    });
  }

  /** Model ids some worker serves, on any host. */
  models(): { id: string; host: string }[] {
    return [...this.byHost.values()].flat().map((w) => ({ id: w.model, host: w.host }));
  }

  serves(modelId: string): boolean {
    return this.candidates(modelId).length > 0;
  }

  /** The least busy worker of the model with a free slot, if any. */
  pick(modelId: string): ClusterWorker | undefined {
    const free = this.candidates(modelId).filter((w) => w.busy < w.slots);
    return free.sort((a, b) => a.busy / a.slots - b.busy / b.slots)[0];
  }

  adjustBusy(worker: ClusterWorker, delta: 1 | -1): void {
    worker.busy = Math.max(0, worker.busy + delta);
    if (delta < 0) this.deps.onChange();
  }

  /** Re-reads every reachable host (this computer and the online ones), in parallel. */
  async refreshAll(): Promise<void> {
    const names = this.deps.hosts
      .list()
      .filter((h) => h.state === 'local' || h.state === 'online')
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

  forget(host: string): void {
    if (this.byHost.delete(host)) this.deps.onChange();
  }

  private candidates(modelId: string): ClusterWorker[] {
    return [...this.byHost.values()].flat().filter((w) => w.model === modelId);
  }

  private async read(host: string): Promise<void> {
    try {
      const answer = await agentAnswer(
        await this.deps.hosts.agent(host),
        ['worker', 'list'],
        'workers',
      );
      this.deps.onWorkers?.(host, answer.workers as WorkerEntry[]);
      const target = await this.targetFor(host);
      const before = new Map((this.byHost.get(host) ?? []).map((w) => [w.id, w]));
      const workers = (answer.workers as WorkerEntry[])
        .filter((w) => w.status === 'ready' && w.port !== null)
        .map((w): ClusterWorker => {
          const known = before.get(w.id);
          return {
            host,
            id: w.id,
            model: w.model,
            slots: w.slots_total ?? 1,
            target: target(w.port as number),
            busy: known?.busy ?? 0, // in flight through this daemon; the agent cannot know
          };
        });
      this.byHost.set(host, workers);
    } catch (err) {
      this.deps.logger.warn({ host, error: toErrorBody(err).message }, 'cannot list workers');
      this.byHost.delete(host);
    }
    this.deps.onChange();
  }

  private async targetFor(host: string): Promise<(port: number) => WorkerTarget> {
    if (host === LOCAL_HOST) return (port) => ({ baseUrl: `http://127.0.0.1:${port}` });
    const agent = tunnelAgent(await this.deps.hosts.sessionOf(host));
    return (port) => ({ baseUrl: `http://127.0.0.1:${port}`, agent });
  }
}
