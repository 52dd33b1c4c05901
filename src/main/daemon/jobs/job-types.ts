import type { ErrorBody } from '../../../shared/errors';
import type {
  ExecuteRequest,
  InferenceEvent,
  JobPriority,
  JobRecord,
  JobStatus,
  ParsedTaskRequest,
} from '../../../shared/inference';
import type { ClusterWorkers, WorkerTarget } from '../cluster/cluster-workers';
import type { EventLog } from '../cluster/event-log';
import type { Logger } from '../logger';
import type { DaemonMetrics } from '../metrics';
import type { OnDemandWorkers } from '../cluster/on-demand';

/** A job as Jobs keeps it, and what Jobs needs of the rest of the daemon (jobs.ts). */

export interface Job {
  readonly id: string;
  readonly request: ParsedTaskRequest;
  readonly priority: JobPriority;
  /** The model's id, as resolved across the cluster. */
  readonly modelId: string;
  readonly events: EventLog;
  readonly abort: AbortController;
  readonly createdAt: number;
  status: JobStatus;
  /** Dispatches that failed before the worker sent anything (see run). */
  attempts: number;
  /** After such a failure, not dispatched again before this time (ms): a backoff, not a spin. */
  retryAt: number;
  host: string | null;
  workerId: string | null;
  startedAt: number | null;
  firstTokenAt: number | null;
  finishedAt: number | null;
  tokensIn: number | null;
  tokensOut: number | null;
  error: ErrorBody | null;
}

/** Runs one job on a worker: `executeOnWorker`, or an in-process stand-in in tests. */
export type Execute = (
  target: WorkerTarget,
  body: ExecuteRequest,
  signal: AbortSignal,
) => AsyncIterable<InferenceEvent>;

/** Where jobs are persisted (the store), told of every status change. */
export interface JobJournal {
  changed(job: JobRecord): void;
}

export interface JobsDeps {
  cluster: Pick<
    ClusterWorkers,
    'pick' | 'serves' | 'adjustBusy' | 'models' | 'refresh' | 'refreshAll' | 'contextSize'
  >;
  logger: Logger;
  metrics: DaemonMetrics;
  /** A reply ended on a worker: its decode rate (for the live worker list). */
  onRate?: (host: string, workerId: string, tokensPerSec: number) => void;
  journal?: JobJournal;
  /** Where model files are, and a worker started where one is (on-demand.ts). */
  starter?: Pick<OnDemandWorkers, 'files' | 'has' | 'start'>;
  /** The context this computer's file of a model was trained on (its GGUF header), if it has one. */
  trainedContext?: (modelId: string) => Promise<number | null>;
  /** The hosts that last listed a model and are not online now, for a precise "not found". */
  awayWith?: (modelId: string) => string[];
  /** How often waiting jobs hear of their new position at most (ms); POSITIONS_EVERY_MS. */
  positionsEveryMs?: number;
  /** RBEES_QUEUE_CAPACITY; 100 when absent. */
  queueCapacity?: number;
  execute?: Execute;
}
