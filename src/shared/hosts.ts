/**
 * Pool hosts as the daemon's API reports them, and what `rbees-pool status --json` answers.
 *
 * The status types are a copy of src/pool/agent/status-types.ts (the agent is their writer): the
 * daemon and the UI may not import src/pool, so the contract lives here too. Keep both in step
 * until the agent imports them from here. Sizes are bytes; a value the hardware does not report is
 * null, never 0.
 */

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

export type GpuVendor = 'nvidia' | 'amd' | 'apple';

export interface GpuProcess {
  pid: number;
  name: string;
  used_memory_bytes: number | null;
}

export interface Gpu {
  vendor: GpuVendor;
  index: number;
  uuid: string | null;
  name: string;
  memory_total_bytes: number | null;
  memory_used_bytes: number | null;
  memory_free_bytes: number | null;
  unified_memory: boolean;
  utilization_pct: number | null;
  temperature_c: number | null;
  power_draw_w: number | null;
  power_limit_w: number | null;
  fan_pct: number | null;
  pci_bus_id: string | null;
  driver_version: string | null;
  compute_capability: string | null;
  processes: GpuProcess[];
}

export interface ProbeReport {
  tool: 'nvidia-smi' | 'rocm-smi' | 'system_profiler';
  status: 'ok' | 'absent' | 'failed' | 'timeout';
  message?: string;
}

export interface AgentModelEntry {
  id: string;
  path: string;
  size_bytes: number;
  modified_at: string;
}

export type AgentWorkerBackend = 'auto' | 'cpu' | 'cuda' | 'metal' | 'vulkan';

/** A worker the agent started on its host (the agent's WorkerEntry). */
export interface AgentWorkerEntry {
  id: string;
  pid: number;
  port: number | null;
  model: string;
  model_path: string;
  backend: AgentWorkerBackend;
  gpu: number | null;
  log: string;
  started_at: string;
  status: 'starting' | 'ready' | 'unresponsive';
  slots_total: number | null;
  slots_busy: number | null;
}

export interface HostStatus {
  hostname: string;
  platform: string;
  os: string;
  arch: string;
  kernel: string;
  cpu: { model: string; cores: number };
  memory: { total_bytes: number; free_bytes: number };
  disk: { path: string; total_bytes: number; free_bytes: number } | null;
  gpus: Gpu[];
  probes: ProbeReport[];
  models: AgentModelEntry[];
  workers: AgentWorkerEntry[];
}

/** `GET /api/hosts/:name/status`: the agent's status line as it printed it. */
export type HostStatusResponse = { event: 'status' } & HostStatus;
