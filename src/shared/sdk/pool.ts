import { API } from '../api';
import type { ClusterEvent } from '../events';
import type { AddHostRequest, SpawnWorkerRequest } from '../host-schemas';
import type {
  DownloadsResponse,
  HostInfo,
  HostModelsResponse,
  HostsResponse,
  HostStatusResponse,
  HostWorkersResponse,
  SpawnWorkerResponse,
  SshAliasesResponse,
  StartDownloadResponse,
} from '../hosts';
import type { Client, EventsOptions } from './client';

/** A cluster event with the id to resume after (`Last-Event-ID`). */
export type ClusterMessage = ClusterEvent & { id: string | undefined };

/**
 * The pool hosts through the daemon: hosts, their models, downloads and workers, and the live
 * cluster events. Failures are RbeesError with the daemon's code (an agent's own code included).
 */
export class PoolApi {
  constructor(private readonly client: Client) {}

  async hosts(): Promise<HostInfo[]> {
    return (await this.client.json<HostsResponse>(API.hosts)).hosts;
  }

  addHost(request: AddHostRequest): Promise<HostInfo> {
    return this.client.json(API.hosts, { method: 'POST', body: request });
  }

  removeHost(name: string): Promise<void> {
    return this.client.json(API.host(name), { method: 'DELETE' });
  }

  /** Connects now; an unknown key fails with SSH_HOSTKEY_UNKNOWN carrying its fingerprint. */
  connect(name: string): Promise<HostInfo> {
    return this.client.json(API.hostConnect(name), { method: 'POST' });
  }

  trust(name: string, fingerprint: string): Promise<HostInfo> {
    return this.client.json(API.hostTrust(name), { method: 'POST', body: { fingerprint } });
  }

  /** The Host aliases of the daemon user's ~/.ssh/config, for picking a host to add. */
  async sshAliases(): Promise<string[]> {
    return (await this.client.json<SshAliasesResponse>(API.sshAliases)).aliases;
  }

  status(name: string): Promise<HostStatusResponse> {
    return this.client.json(API.hostStatus(name));
  }

  models(host: string): Promise<HostModelsResponse> {
    return this.client.json(API.hostModels(host));
  }

  deleteModel(host: string, id: string): Promise<void> {
    return this.client.json(API.hostModel(host, id), { method: 'DELETE' });
  }

  async downloads(host: string): Promise<DownloadsResponse['downloads']> {
    return (await this.client.json<DownloadsResponse>(API.hostDownloads(host))).downloads;
  }

  startDownload(host: string, ref: string): Promise<StartDownloadResponse> {
    return this.client.json(API.hostDownloads(host), { method: 'POST', body: { ref } });
  }

  cancelDownload(host: string, id: string): Promise<void> {
    return this.client.json(API.hostDownload(host, id), { method: 'DELETE' });
  }

  async workers(host: string): Promise<HostWorkersResponse['workers']> {
    return (await this.client.json<HostWorkersResponse>(API.hostWorkers(host))).workers;
  }

  spawnWorker(host: string, request: SpawnWorkerRequest): Promise<SpawnWorkerResponse> {
    return this.client.json(API.hostWorkers(host), { method: 'POST', body: request });
  }

  stopWorker(host: string, id: string): Promise<void> {
    return this.client.json(API.hostWorker(host, id), { method: 'DELETE' });
  }

  /** The cluster's live events (`GET /api/events`), from a snapshot or after `lastEventId`. */
  async *events(options: EventsOptions = {}): AsyncGenerator<ClusterMessage> {
    for await (const message of this.client.sse(API.events, options)) {
      if (message.event === undefined) continue;
      const data: unknown = JSON.parse(message.data);
      yield { type: message.event, data, id: message.id } as ClusterMessage;
    }
  }
}
