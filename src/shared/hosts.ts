import type {
  DownloadState,
  HostStatus,
  ModelDetails,
  WorkerBackend,
  WorkerEntry,
} from './pool-status';

/** Pool hosts as the daemon's API reports them; what their agents report is in pool-status.ts. */

/** `local` is this computer; the others are the SSH session's states (never `closed` on the API). */
export type HostState = 'local' | 'idle' | 'connecting' | 'online' | 'offline' | 'reconnecting';

/** A host as `GET /api/hosts` lists it. */
export interface HostInfo {
  name: string;
  /** An ~/.ssh/config alias or user@host[:port]; `local` for this computer. */
  spec: string;
  agent_dir: string;
  state: HostState;
  /** Why the host is offline, when it is. */
  reason?: string;
}

export interface HostsResponse {
  hosts: HostInfo[];
}

/** `GET /api/hosts/:name/status`: the agent's status line as it printed it. */
export type HostStatusResponse = { event: 'status' } & HostStatus;

/** `GET /api/hosts/:name/models`: the files in the host's models folder, with their GGUF facts. */
export interface HostModelsResponse {
  models_dir: string;
  models: ModelDetails[];
}

/** `PUT /api/hosts/:name/models/:file`: the model as verified on the host. */
export interface UploadResponse {
  id: string;
  path: string;
  sha256: string;
  size_bytes: number;
}

/** `GET /api/hosts/:name/downloads`: detached downloads, running and ended. */
export interface DownloadsResponse {
  downloads: DownloadState[];
}

/** `POST /api/hosts/:name/downloads` (202): follow it at `.../downloads/:id/events`. */
export interface StartDownloadResponse {
  id: string;
}

/** `GET /api/hosts/:name/workers`: what the host's agent finds running. */
export interface HostWorkersResponse {
  workers: WorkerEntry[];
}

/** `POST /api/hosts/:name/workers` (201): the worker, ready on the host's loopback. */
export interface SpawnWorkerResponse {
  id: string;
  port: number;
  pid: number;
  model: string;
  backend: WorkerBackend;
  log: string;
}

/**
 * Server-sent events of `GET /api/hosts/:name/workers/:id/logs[?follow=1&lines=N]`: `log` per
 * line, then `logs_end`; or `error` with an ErrorBody. Each event's data is the agent's JSON line.
 * `GET …/downloads/:id/events` sends the agent's DownloadEvent lines the same way, `error` last
 * when the download fails.
 */
export type WorkerLogEvent =
  { event: 'log'; id: string; line: string } | { event: 'logs_end'; id: string; reason: string };

/** `GET /api/ssh-aliases`: the Host aliases of the daemon user's ~/.ssh/config. */
export interface SshAliasesResponse {
  aliases: string[];
}
