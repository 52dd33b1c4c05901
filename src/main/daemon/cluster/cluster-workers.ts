import { get, type Agent } from 'node:http';
import { toErrorBody } from '../../../shared/errors';
import type { ClusterSnapshot } from '../../../shared/events';
import { WORKER_ROUTES } from '../../../shared/inference';
import type { WorkerEntry } from '../../../shared/pool-status';
import { bearer } from '../../../shared/worker-auth';
import { WorkerStatusSchema } from '../../../shared/worker-schemas';
import { tunnelAgent } from '../../ssh';
import { listWorkers, servingWorkers, withoutSecrets } from '../hosts/agent-workers';
import type { HostRegistry } from '../hosts/host-registry';
import { LOCAL_HOST } from '../hosts/host-registry';
import type { Logger } from '../logger';

/**
 * Where a job's request goes: a worker's base URL and the secret it wants, and for a pool host
 * the SSH tunnel to it.
 */
export interface WorkerTarget {
  baseUrl: string;
  /** Sent as `Authorization: Bearer <secret>`; the daemon never shows it to anyone. */
  secret: string;
  /** Opens each connection as a channel of the host's SSH session; none for this computer. */
  agent?: Agent;
}

/** A worker a host's agent runs (`rbees-pool worker spawn`), as routing sees it. */
export interface ClusterWorker {
  readonly host: string;
  readonly id: string;
  readonly model: string;
  readonly slots: number;
  target: WorkerTarget;
  /** The GPU it was spawned on; null lets llama.cpp use them all. */
  readonly gpu: number | null;
  /** Tokens of context per slot, from its /status; null when that could not be read. */
  readonly contextSize: number | null;
  busy: number;
}

/** Free VRAM (bytes) where a worker runs, from the host's last GPU sample; null when unknown. */
export type FreeVram = (host: string, gpu: number | null) => number | null;

const STATUS_TIMEOUT_MS = 2000;

/**
 * Free VRAM from the hosts' last GPU samples: the GPU's own for a worker pinned to one, else the
 * sum over the host's GPUs (llama.cpp spreads a model over all of them).
 */
export function freeVram(state: ClusterSnapshot, host: string, gpu: number | null): number | null {
  const gpus = state.hosts.find((h) => h.info.name === host)?.status?.gpus ?? [];
  const free = gpus
    .filter((g) => gpu === null || g.index === gpu)
    .map((g) => g.memory_free_bytes)
    .filter((bytes): bytes is number => bytes !== null);
  return free.length > 0 ? free.reduce((sum, bytes) => sum + bytes, 0) : null;
}

/**
 * The order in which workers with a free slot take a job: least loaded (busy/slots) first, then
 * the most free VRAM (unknown counts as least), then the order given (hosts as listed: this
 * computer first). Spilling over to other hosts follows from ranking all hosts' workers together.
 */
export function rankWorkers(
  workers: readonly ClusterWorker[],
  freeVram?: FreeVram,
): ClusterWorker[] {
  const vram = new Map(workers.map((w) => [w, freeVram?.(w.host, w.gpu) ?? -1]));
  return workers
    .filter((w) => w.busy < w.slots)
    .map((w, order) => ({ w, order, load: w.busy / w.slots }))
    .sort(
      (a, b) =>
        a.load - b.load || (vram.get(b.w) ?? -1) - (vram.get(a.w) ?? -1) || a.order - b.order,
    )
    .map(({ w }) => w);
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

  /** Every worker of every host, as routing sees it. */
  list(): ClusterWorker[] {
    return [...this.byHost.values()].flat();
  }

  /** Model ids some worker serves, on any host. */
  models(): { id: string; host: string }[] {
    return [...this.byHost.values()].flat().map((w) => ({ id: w.model, host: w.host }));
  }

  serves(modelId: string): boolean {
    return this.candidates(modelId).length > 0;
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
      const listed = await listWorkers(await this.deps.hosts.agent(host));
      this.deps.onWorkers?.(host, withoutSecrets(listed));
      const target = await this.targetFor(host);
      const before = new Map((this.byHost.get(host) ?? []).map((w) => [w.id, w]));
      const workers = await Promise.all(
        servingWorkers(listed).map(async (w): Promise<ClusterWorker> => {
          const to = target(w.port, w.secret);
          const known = before.get(w.id);
          // The same object for a worker seen before: a job's lease gives its slot back to the
          // object it took it from, and `busy` (slots in flight through this daemon, which the
          // agent cannot know) must not be copied into a new one that the release never reaches.
          if (known && known.target.baseUrl === to.baseUrl) {
            known.target = to; // a new SSH session after a reconnect: a new tunnel
            return known;
          }
          return {
            host,
            id: w.id,
            model: w.model,
            slots: w.slots_total ?? 1,
            target: to,
            gpu: w.gpu,
            // Read once per worker, so that admission can check a request's fit without I/O.
            contextSize: await contextSizeOf(to),
            busy: 0,
          };
        }),
      );
      this.byHost.set(host, workers);
    } catch (err) {
      this.deps.logger.warn({ host, error: toErrorBody(err).message }, 'cannot list workers');
      this.byHost.delete(host);
    }
    this.deps.onChange();
  }

  private async targetFor(host: string): Promise<(port: number, secret: string) => WorkerTarget> {
    const baseUrl = (port: number) => `http://127.0.0.1:${port}`;
    if (host === LOCAL_HOST) return (port, secret) => ({ baseUrl: baseUrl(port), secret });
    const agent = tunnelAgent(await this.deps.hosts.sessionOf(host));
    return (port, secret) => ({ baseUrl: baseUrl(port), secret, agent });
  }
}

/** A worker's context size from its /status; null when it does not answer in time. */
function contextSizeOf(target: WorkerTarget): Promise<number | null> {
  return new Promise((resolve) => {
    const req = get(
      `${target.baseUrl}${WORKER_ROUTES.status}`,
      {
        timeout: STATUS_TIMEOUT_MS,
        headers: { authorization: bearer(target.secret) },
        ...(target.agent ? { agent: target.agent } : {}),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          try {
            const status = WorkerStatusSchema.safeParse(JSON.parse(body));
            const size = status.success ? status.data.context_size : 0;
            resolve(size > 0 ? size : null);
          } catch {
            resolve(null);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy()).on('error', () => resolve(null));
  });
}
