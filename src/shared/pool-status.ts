import type { z } from 'zod';
import type {
  DetachedLineSchema,
  DownloadEventSchema,
  DownloadProgressSchema,
  DownloadStateSchema,
  FitPointSchema,
  ModelDetailsSchema,
  ModelFitSchema,
} from './model-schemas';
import type {
  GpuProcessSchema,
  GpuSchema,
  HostStatusSchema,
  ModelEntrySchema,
  ProbeReportSchema,
} from './status-schemas';
import type {
  AgentWorkerEntrySchema,
  SpawnedWorkerSchema,
  WorkerBackendSchema,
  WorkerEntrySchema,
  WorkerRecordSchema,
  WorkerStateSchema,
} from './worker-schemas';

/**
 * What `rbees-pool status --json` and its other commands report, as types: each is its schema's
 * (status-schemas.ts, model-schemas.ts, worker-schemas.ts, where the fields are described),
 * taken by type only so that the UI bundles no zod.
 */

export type Gpu = z.infer<typeof GpuSchema>;
export type GpuVendor = Gpu['vendor'];
/** A process holding GPU memory, as the driver reports it. */
export type GpuProcess = z.infer<typeof GpuProcessSchema>;
/** How a probe went: `absent` (tool not installed) is a normal answer, not a failure. */
export type ProbeReport = z.infer<typeof ProbeReportSchema>;
/** A model file in `$RBEES_HOME/models`. */
export type ModelEntry = z.infer<typeof ModelEntrySchema>;
/** GGUF header facts added by `models list`; `error` instead when the header cannot be read. */
export type ModelDetails = z.infer<typeof ModelDetailsSchema>;
export type FitPoint = z.infer<typeof FitPointSchema>;
export type ModelFit = z.infer<typeof ModelFitSchema>;
export type WorkerBackend = z.infer<typeof WorkerBackendSchema>;
/** A worker the agent started, as the daemon and its API know it (its state file less the secret). */
export type WorkerState = z.infer<typeof WorkerStateSchema>;
/** A worker's state file, with its secret and what its keeper needs (see WorkerRecordSchema). */
export type WorkerRecord = z.infer<typeof WorkerRecordSchema>;
/** What `worker list` reports of a worker (see WorkerEntry). */
export type WorkerStatusName = WorkerEntry['status'];
export type WorkerEntry = z.infer<typeof WorkerEntrySchema>;
/** A worker with its secret, as `worker list --json` prints it; the daemon's API never does. */
export type AgentWorkerEntry = z.infer<typeof AgentWorkerEntrySchema>;
/** What `worker spawn --json` answers (as `event: "spawned"`): ready on the host's loopback. */
export type SpawnedWorker = z.infer<typeof SpawnedWorkerSchema>;
export type HostStatus = z.infer<typeof HostStatusSchema>;
/** One progress event (the `progress` JSON line carries the same fields). */
export type DownloadProgress = z.infer<typeof DownloadProgressSchema>;
/** `start`, then `progress`*, then exactly one of `done` | `error`. */
export type DownloadEvent = z.infer<typeof DownloadEventSchema>;
/** A detached download's state file, as `models download --list` prints it. */
export type DownloadState = z.infer<typeof DownloadStateSchema>;
export type DownloadStateName = DownloadState['state'];
/** `models download --detach`'s answer. */
export type DetachedLine = z.infer<typeof DetachedLineSchema>;
