import type { ErrorCode } from './errors';
import type {
  DownloadState,
  HostStatus,
  ModelDetails,
  SpawnedWorker,
  WorkerEntry,
} from './pool-status';

/** Pool hosts as the daemon's API reports them; what their agents report is in pool-status.ts. */

/** `local` is this computer; the others are the SSH session's states (never `closed` on the API). */
export type HostState = 'local' | 'idle' | 'connecting' | 'online' | 'offline' | 'reconnecting';

/**
 * The one notion of "this host can serve now": its agent answers, its workers take jobs. This
 * computer always can (`local`, reached without SSH); a pool host while its session is up.
 */
export function canServe(host: { state: HostState }): boolean {
  return host.state === 'local' || host.state === 'online';
}

/** A host as `GET /api/hosts` lists it. */
export interface HostInfo {
  name: string;
  /** An ~/.ssh/config alias or user@host[:port]; `local` for this computer. */
  spec: string;
  agent_dir: string;
  state: HostState;
  /** Why the host is offline, when it is. */
  reason?: string;
  /** The code of `reason` (SSH_HOSTKEY_MISMATCH: the key changed, see /replace-key). */
  reason_code?: ErrorCode;
}

export interface HostsResponse {
  hosts: HostInfo[];
}

/** A key known_hosts holds for a host, as the changed-key dialog shows it. */
export interface KnownHostKey {
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  key_type: string;
  /** The known_hosts file that holds it, `~/…` for the daemon user's home. */
  file: string;
  line: number;
}

/**
 * The `details` of SSH_HOSTKEY_MISMATCH for a changed key (`revoked: true` instead for a key
 * marked @revoked; neither when the host offered none of the known key types).
 */
export interface HostKeyChange {
  host: string;
  port: number;
  /** What the host presents now. */
  fingerprint: string;
  key_type: string;
  /** What known_hosts expects: the old keys. */
  known: KnownHostKey[];
  /** Every old key is in rbees' own known_hosts: `POST …/replace-key` may replace them. */
  replaceable: boolean;
  /** Otherwise the command that removes them from the user's file (rbees never edits it). */
  remove_command: string | null;
  /** The first old key's file and line (for messages). */
  known_in: string;
  line: number;
}

/** `GET /api/hosts/:name/status`: the agent's status line as it printed it. */
export type HostStatusResponse = { event: 'status' } & HostStatus;

/**
 * `current`: the host runs what this app would install; `outdated`: it runs another version;
 * `missing`: no agent there; `unknown`: an agent with no VERSION (not put there by the installer,
 * e.g. a git checkout), or a platform this app has no agent for.
 */
export type AgentVersionState = 'current' | 'outdated' | 'missing' | 'unknown';

/** `GET /api/hosts/:name/agent`: the agent on the host against the one this app ships for it. */
export interface AgentVersionResponse {
  state: AgentVersionState;
  /** The VERSION in the host's agent dir, `<package version>+<12 hex of the content hash>`. */
  installed: string | null;
  /** What an install would put there now (null when the host's platform has none). */
  shipped: string | null;
  /** The install target, e.g. `linux-x64`; null when `uname` names none. */
  platform: string | null;
}

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
export type SpawnWorkerResponse = Omit<SpawnedWorker, 'secret'>;

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
