import type { HostStatus } from './pool-status';

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
