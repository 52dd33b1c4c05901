import { canServe } from '../../../shared/hosts';
import { RbeesError, toErrorBody } from '../../../shared/errors';
import type { DownloadView, HostSample } from '../../../shared/events';
import { SAMPLE_INTERVAL_MS } from '../../../shared/events';
import type { DownloadEvent, HostStatus, WorkerEntry } from '../../../shared/pool-status';
import type { ClusterEvents } from './cluster-events';
import type { AgentFollowers } from '../hosts/agent-followers';
import { listDownloadsOn } from '../hosts/agent-models';
import { downloadFollow } from '../hosts/follows';
import type { HostRegistry } from '../hosts/host-registry';
import type { Logger } from '../logger';

/**
 * Feeds the cluster's live events: host changes from the registry, each reachable host's agent
 * status every few seconds while someone watches (GPU samples for the charts), workers, and the
 * progress of downloads, which are followed on their host until they end, also after the
 * daemon restarted (they run detached there).
 */
export class ClusterMonitor {
  private timer: NodeJS.Timeout | undefined;
  /** The status reads under way, by host. */
  private readonly sampling = new Map<string, Promise<void>>();
  private readonly following = new Map<string, AbortController>();
  private lastRound = 0;
  private closed = false;

  constructor(
    private readonly deps: {
      hosts: HostRegistry;
      events: ClusterEvents;
      /** Shared with the routes: a client attaching to a download reads this same follower. */
      followers: AgentFollowers;
      logger: Logger;
      intervalMs?: number;
    },
  ) {}

  private get intervalMs(): number {
    return this.deps.intervalMs ?? SAMPLE_INTERVAL_MS;
  }

  start(): void {
    const { hosts, events } = this.deps;
    for (const info of hosts.list()) events.publish({ type: 'host', data: info });
    hosts.onChange((change) => {
      if (change.type === 'removed') {
        this.stopFollowing(change.name);
        return events.publish({ type: 'host_removed', data: { host: change.name } });
      }
      events.publish({ type: 'host', data: change.info });
      if (change.info.state === 'online') this.hostReachable(change.info.name);
    });
    this.hostReachable('local');
    this.timer = setInterval(() => {
      if (events.subscribers > 0) this.sampleAll();
    }, this.intervalMs);
    this.timer.unref();
  }

  /** A new watcher: sample now unless a round just happened, so its charts fill at once. */
  watch(): void {
    if (Date.now() - this.lastRound > this.intervalMs / 2) this.sampleAll();
  }

  workersChanged(host: string, workers: WorkerEntry[]): void {
    this.deps.events.publish({ type: 'workers', data: { host, workers } });
  }

  /** Re-reads a host now (after an agent install or update). */
  refresh(host: string): void {
    this.hostReachable(host);
  }

  /** Resolves when the host's status read under way ends (at once when none is); never rejects. */
  statusRead(host: string): Promise<void> {
    return this.sampling.get(host) ?? Promise.resolve();
  }

  /** A download, upload or delete changed the host's models: tell the UI, refresh the status. */
  modelsChanged(host: string): void {
    this.deps.events.publish({ type: 'models_changed', data: { host } });
    void this.sample(host);
  }

  /** Relays a download's events until it ends (idempotent per download). */
  follow(host: string, id: string): void {
    const key = `${host}/${id}`;
    if (this.following.has(key) || this.closed) return;
    const stop = new AbortController();
    this.following.set(key, stop);
    void this.relay(host, id, stop.signal).finally(() => this.following.delete(key));
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    for (const stop of this.following.values()) stop.abort();
  }

  private sampleAll(): void {
    this.lastRound = Date.now();
    for (const info of this.deps.hosts.list()) {
      if (canServe(info)) void this.sample(info.name);
    }
  }

  /** One status read; a host whose previous read is still running is skipped, not queued. */
  private sample(host: string): Promise<void> {
    const running = this.sampling.get(host);
    if (running || this.closed) return running ?? Promise.resolve();
    const read = this.read(host).finally(() => this.sampling.delete(host));
    this.sampling.set(host, read);
    return read;
  }

  private async read(host: string): Promise<void> {
    const { events } = this.deps;
    try {
      const status = await this.deps.hosts.status(host);
      const at = Date.now();
      const { event: _event, ...report } = status;
      events.publish({
        type: 'host_status',
        data: { host, at, status: report, sample: sampleOf(at, report) },
      });
    } catch (err) {
      // A removed host's last read may fail: nobody wants to hear about it any more.
      if (err instanceof RbeesError && err.code === 'NOT_FOUND') return;
      const error = toErrorBody(err);
      events.publish({ type: 'host_status_error', data: { host, at: Date.now(), error } });
    }
  }

  /** A host just became reachable: its status, and its downloads, running ones followed. */
  private hostReachable(host: string): void {
    void this.sample(host);
    void (async () => {
      const runner = await this.deps.hosts.agent(host);
      const states = await listDownloadsOn(runner);
      const downloads: DownloadView[] = states.map((s) => ({
        ...s,
        bytes_per_sec: null,
        eta_s: null,
      }));
      this.deps.events.publish({ type: 'downloads', data: { host, downloads } });
      for (const s of states) if (s.state === 'running') this.follow(host, s.id);
    })().catch((err: unknown) =>
      this.deps.logger.warn({ host, error: toErrorBody(err).message }, 'cannot list downloads'),
    );
  }

  private async relay(host: string, id: string, signal: AbortSignal): Promise<void> {
    const publish = (event: DownloadEvent): void =>
      this.deps.events.publish({ type: 'download', data: { host, id, event } });
    try {
      const runner = await this.deps.hosts.agent(host);
      const reader = this.deps.followers.join(downloadFollow(runner, id));
      for await (const line of reader.lines(signal)) {
        publish(line);
        if (line.event === 'done') this.modelsChanged(host);
      }
    } catch (err) {
      const { code, message } = toErrorBody(err);
      // A lost link says nothing about the download, which goes on on its host: it is followed
      // again when the host is back (hostReachable). The agent's own `error` line is the end.
      if (signal.aborted || code.startsWith('SSH_')) return;
      if (code === 'TOO_MANY_FOLLOWERS') {
        // Not the download's fault: it runs on, unseen here until the host is read again.
        this.deps.logger.warn({ host, id, error: message }, 'cannot follow the download');
        return;
      }
      publish({ event: 'error', code, message });
    }
  }

  private stopFollowing(host: string): void {
    for (const [key, stop] of this.following) if (key.startsWith(`${host}/`)) stop.abort();
  }
}

function sampleOf(at: number, status: HostStatus): HostSample {
  return {
    at,
    gpus: status.gpus.map((gpu) => ({
      index: gpu.index,
      memory_used_bytes: gpu.memory_used_bytes,
      utilization_pct: gpu.utilization_pct,
      temperature_c: gpu.temperature_c,
      power_draw_w: gpu.power_draw_w,
    })),
  };
}
