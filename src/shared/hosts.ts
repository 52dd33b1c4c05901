import type { z } from 'zod';
import type {
  AgentVersionResponseSchema,
  DownloadsResponseSchema,
  HostInfoSchema,
  HostModelsResponseSchema,
  HostsResponseSchema,
  HostWorkersResponseSchema,
  SpawnWorkerResponseSchema,
  SshAliasesResponseSchema,
  StartDownloadResponseSchema,
  UploadResponseSchema,
} from './host-schemas';
import type { StatusLineSchema } from './status-schemas';
import type { WorkerLogLineSchema } from './worker-schemas';

/**
 * Pool hosts as the daemon's API reports them, as types: each is its schema's (host-schemas.ts,
 * where the fields are described), taken by type only so that the UI bundles no zod. What their
 * agents report is in pool-status.ts.
 */

/**
 * The one notion of "this host can serve now": its agent answers, its workers take jobs. This
 * computer always can (`local`, reached without SSH); a pool host while its session is up.
 */
export function canServe(host: { state: HostState }): boolean {
  return host.state === 'local' || host.state === 'online';
}

/** A host as `GET /api/hosts` lists it. */
export type HostInfo = z.infer<typeof HostInfoSchema>;
/** `local` is this computer; the others are the SSH session's states (never `closed` on the API). */
export type HostState = HostInfo['state'];
export type HostsResponse = z.infer<typeof HostsResponseSchema>;

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

/** `GET /api/hosts/:name/status`: the agent's status line, as fit to show. */
export type HostStatusResponse = z.infer<typeof StatusLineSchema>;
export type AgentVersionResponse = z.infer<typeof AgentVersionResponseSchema>;
export type AgentVersionState = AgentVersionResponse['state'];
export type HostModelsResponse = z.infer<typeof HostModelsResponseSchema>;
export type UploadResponse = z.infer<typeof UploadResponseSchema>;
export type DownloadsResponse = z.infer<typeof DownloadsResponseSchema>;
export type StartDownloadResponse = z.infer<typeof StartDownloadResponseSchema>;
export type HostWorkersResponse = z.infer<typeof HostWorkersResponseSchema>;
export type SpawnWorkerResponse = z.infer<typeof SpawnWorkerResponseSchema>;
export type SshAliasesResponse = z.infer<typeof SshAliasesResponseSchema>;

/**
 * Server-sent events of `GET /api/hosts/:name/workers/:id/logs[?follow=1&lines=N]`: `log` per
 * line, then `logs_end`; or `error` with an ErrorBody. Each event's data is the agent's JSON line.
 * `GET …/downloads/:id/events` sends the agent's DownloadEvent lines the same way, `error` last
 * when the download fails.
 */
export type WorkerLogEvent = Exclude<z.infer<typeof WorkerLogLineSchema>, { event: 'logs_live' }>;
