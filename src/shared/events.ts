import type { ErrorBody } from './errors';
import type { HostInfo } from './hosts';
import type { JobRecord } from './inference';
import type { DownloadEvent, DownloadState, Gpu, HostStatus, WorkerEntry } from './pool-status';

/**
 * `GET /api/events`: the UI's one source of live data, as server-sent events. A new subscriber
 * (no `Last-Event-ID`) first gets `snapshot` with everything known; then changes as they happen.
 * Every event has an `id`; reconnecting with `Last-Event-ID` resumes after it, or starts over
 * with a new `snapshot` when the daemon no longer has that event (it restarted, or the gap was
 * too long).
 */

/** One GPU's numbers at one moment: what the history charts draw. */
export interface GpuSample {
  index: number;
  memory_used_bytes: number | null;
  utilization_pct: number | null;
  temperature_c: number | null;
  power_draw_w: number | null;
}

/** A host's GPUs at one moment (`at`: epoch ms on the daemon's clock). */
export interface HostSample {
  at: number;
  gpus: GpuSample[];
}

/** A download as the UI shows it: its state file's fields and, while running, its pace. */
export interface DownloadView extends DownloadState {
  bytes_per_sec: number | null;
  eta_s: number | null;
}

/** What the daemon knows about one host: its connection, last status, workers and downloads. */
export interface HostView {
  info: HostInfo;
  /** The agent's last `status`, null until one arrived. */
  status: HostStatus | null;
  /** When `status` was read (epoch ms). */
  status_at: number | null;
  /** Why the last status could not be read (agent missing, outdated…), null when it could. */
  status_error: ErrorBody | null;
  workers: WorkerEntry[];
  /** Decode tokens/s of each worker's last reply through this daemon, by worker id. */
  worker_rates: Record<string, number>;
  /** Downloads the host's agent knows of, running or ended, newest first. */
  downloads: DownloadView[];
  /** GPU samples of the last ~10 minutes, oldest first. */
  history: HostSample[];
}

export interface ClusterSnapshot {
  hosts: HostView[];
}

export type ClusterEvent =
  | { type: 'snapshot'; data: ClusterSnapshot }
  /** A host was added, or its connection state changed. */
  | { type: 'host'; data: HostInfo }
  | { type: 'host_removed'; data: { host: string } }
  /** A fresh status (GPUs, models, workers as the agent saw them) and its GPU sample. */
  | {
      type: 'host_status';
      data: { host: string; at: number; status: HostStatus; sample: HostSample };
    }
  | { type: 'host_status_error'; data: { host: string; at: number; error: ErrorBody } }
  | { type: 'workers'; data: { host: string; workers: WorkerEntry[] } }
  /** A reply finished on a worker: its decode speed. */
  | { type: 'worker_rate'; data: { host: string; worker: string; tokens_per_sec: number } }
  /** The host's models folder changed (download done, upload, delete): re-read its models. */
  | { type: 'models_changed'; data: { host: string } }
  /** The host's downloads as its agent lists them (when it comes online). */
  | { type: 'downloads'; data: { host: string; downloads: DownloadView[] } }
  /** A download's own event (start, progress, done, error), as its agent printed it. */
  | { type: 'download'; data: { host: string; id: string; event: DownloadEvent } }
  /** A job changed status (queued, running on a worker, finished): its record. */
  | { type: 'job'; data: JobRecord };

export type ClusterEventType = ClusterEvent['type'];

/** How long GPU history is kept, and how often hosts are sampled while someone watches. */
export const HISTORY_MS = 10 * 60_000;
export const SAMPLE_INTERVAL_MS = 5_000;

export type { Gpu };
