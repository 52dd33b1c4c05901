import type { ErrorBody, ErrorCode } from './errors';

/**
 * What `rbees-pool status --json` and its other commands report: the contract between the agent
 * (their only writer) and the daemon, which reads them over SSH. Sizes are bytes, temperatures °C, power W, shares percent; a value
 * the hardware does not report (nvidia-smi's `[N/A]`) is null, never 0.
 */

export type GpuVendor = 'nvidia' | 'amd' | 'apple';

/** A process holding GPU memory, as the driver reports it. */
export interface GpuProcess {
  pid: number;
  name: string;
  used_memory_bytes: number | null;
}

export interface Gpu {
  vendor: GpuVendor;
  /** The vendor tool's device index (what `--gpu N` means). */
  index: number;
  uuid: string | null;
  name: string;
  memory_total_bytes: number | null;
  memory_used_bytes: number | null;
  memory_free_bytes: number | null;
  /** Apple silicon: the GPU shares the host's RAM, so memory_* are the RAM figures. */
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

/** How a probe went: `absent` (tool not installed) is a normal answer, not a failure. */
export interface ProbeReport {
  tool: 'nvidia-smi' | 'rocm-smi' | 'system_profiler';
  status: 'ok' | 'absent' | 'failed' | 'timeout';
  message?: string;
}

/** A model file in `$RBEES_HOME/models`. */
export interface ModelEntry {
  id: string;
  path: string;
  size_bytes: number;
  modified_at: string;
}

/** GGUF header facts added by `models list`; `error` instead when the header cannot be read. */
export interface ModelDetails extends ModelEntry {
  architecture?: string;
  name?: string;
  parameter_count?: number;
  size_label?: string;
  /** llama.cpp's file type name, e.g. `Q4_K_M`, `F16`. */
  file_type?: string;
  context_length?: number;
  error?: string;
}

export type WorkerBackend = 'auto' | 'cpu' | 'cuda' | 'metal' | 'vulkan';

/** A worker the agent started, as the daemon and its API know it (its state file less the secret). */
export interface WorkerState {
  id: string;
  pid: number;
  /** null until the worker printed its ready line. */
  port: number | null;
  model: string;
  model_path: string;
  backend: WorkerBackend;
  gpu: number | null;
  log: string;
  started_at: string;
  // The three below are absent from what an agent older than worker restarts reports.
  /**
   * Started by the daemon for its jobs (`worker spawn --on-demand`): the daemon stops it when it
   * sits idle and when the daemon closes. Workers someone started are never stopped for them.
   */
  on_demand?: boolean;
  /** How often the agent started it again after it died. */
  restarts?: number;
  /** Why it last died or could not start again; null while it never did. */
  last_error?: string | null;
}

/**
 * The state file `$RBEES_HOME/workers/<id>.json` (0600, in a 0700 folder): the state and the
 * worker's secret, which every request to it but `GET /health` must carry. null: the worker was
 * started by an agent that gave workers no secret; `worker list` shows it unresponsive.
 */
export interface WorkerRecord extends WorkerState {
  secret: string | null;
  /** The `rbees-pool worker keep` process that restarts the worker when it dies; null: none. */
  keeper_pid: number | null;
  /** rbees-workerd's arguments, to start it again the same way. */
  args: string[];
  /** The keeper gave up (too many restarts in a row): kept, to say why, until stopped. */
  gave_up: boolean;
}

/** What `worker list` reports of a worker (see WorkerEntry). */
export type WorkerStatusName = 'starting' | 'ready' | 'unresponsive' | 'restarting' | 'failed';

export interface WorkerEntry extends WorkerState {
  /**
   * `starting`: no ready line yet; `ready`: answers /status; `unresponsive`: alive, no answer;
   * `restarting`: it died and its keeper starts it again after a backoff; `failed`: it kept
   * dying and the keeper gave up (`last_error` says why).
   */
  status: WorkerStatusName;
  slots_total: number | null;
  slots_busy: number | null;
}

/**
 * A worker as `worker list --json` prints it: with its secret, for whoever runs the agent (over
 * SSH, which is what protects it). The daemon keeps secrets to itself: its API, its events and
 * its store carry WorkerEntry.
 */
export interface AgentWorkerEntry extends WorkerEntry {
  secret: string | null;
}

/** What `worker spawn --json` answers (as `event: "spawned"`): ready on the host's loopback. */
export interface SpawnedWorker {
  id: string;
  port: number;
  pid: number;
  model: string;
  backend: WorkerBackend;
  log: string;
  secret: string;
}

export interface HostStatus {
  hostname: string;
  /** node's os.platform(): linux, darwin, win32… */
  platform: string;
  /** A readable OS name, e.g. "Ubuntu 24.04.1 LTS" or "Darwin 24.1.0". */
  os: string;
  arch: string;
  kernel: string;
  cpu: { model: string; cores: number };
  memory: { total_bytes: number; free_bytes: number };
  disk: { path: string; total_bytes: number; free_bytes: number } | null;
  gpus: Gpu[];
  probes: ProbeReport[];
  models: ModelEntry[];
  workers: WorkerEntry[];
}

/** One progress event (the `progress` JSON line carries the same fields). */
export interface DownloadProgress {
  bytes: number;
  total: number;
  bytes_per_sec: number;
  /** Seconds left at the current rate; null until there is a rate. */
  eta_s: number | null;
}

/**
 * What `rbees-pool models download --json` prints, one JSON object a line, and what a detached
 * download's log holds: `start`, then `progress`*, then exactly one of `done` | `error`.
 */
export type DownloadEvent =
  | { event: 'start'; id: string; ref: string; file: string; total: number; resumed_from: number }
  | ({ event: 'progress' } & DownloadProgress)
  | { event: 'done'; id: string; path: string; sha256: string }
  | { event: 'error'; code: ErrorCode; message: string };

export type DownloadStateName = 'running' | 'done' | 'failed' | 'cancelled';

/** A detached download's state file, as `models download --list` prints it. */
export interface DownloadState {
  id: string;
  ref: string;
  /** Known once the reference is resolved. */
  file: string | null;
  state: DownloadStateName;
  bytes: number;
  total: number | null;
  /** The detached process (its own process group); null until it has started. */
  pid: number | null;
  path?: string;
  sha256?: string;
  error?: Pick<ErrorBody, 'code' | 'message'>;
  started_at: string;
  updated_at: string;
}
