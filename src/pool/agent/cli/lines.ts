/**
 * The JSON lines `rbees-pool --json` prints on stdout, one object per line, each with an `event`.
 * Every command ends with exactly one terminal line: its result, or `error`. Streaming commands
 * (verify, logs, git pull) print non-terminal lines before it. The payload types are in
 * src/shared/pool-status.ts; these line shapes move there too once the daemon reads more than
 * `status`.
 */
import type { ErrorCode } from '../../../shared/errors';
import type {
  AgentWorkerEntry,
  HostStatus,
  ModelDetails,
  SpawnedWorker,
} from '../../../shared/pool-status';

export type AgentLine =
  | ({ event: 'status' } & HostStatus)
  | {
      event: 'models';
      models_dir: string;
      models: ModelDetails[];
      /** The disk that holds models_dir (null when none can be read; absent from older agents). */
      disk?: HostStatus['disk'];
    }
  | { event: 'removed'; id: string; path: string }
  | { event: 'progress'; id: string; bytes: number; total_bytes: number }
  | {
      event: 'verified';
      id: string;
      sha256: string;
      /** What it was compared with; empty when there was nothing to compare (match: null). */
      expected: { source: 'sidecar' | 'argument'; sha256: string }[];
      match: boolean | null;
    }
  | ({ event: 'spawned' } & SpawnedWorker)
  | {
      event: 'workers';
      workers: AgentWorkerEntry[];
      /** ids of dead workers whose files were removed */ cleaned: string[];
    }
  | {
      event: 'stopped';
      id: string;
      pid: number | null;
      was_running: boolean;
      /** The signal that ended it; null when it was not running. */
      signal: 'SIGTERM' | 'SIGKILL' | null;
    }
  | { event: 'log'; id: string; line: string }
  /** `logs --follow`: the tail is printed, what follows is appended live (JSON only). */
  | { event: 'logs_live'; id: string }
  | { event: 'logs_end'; id: string; reason: 'eof' | 'worker_exited' | 'signal' }
  | { event: 'output'; stream: 'stdout' | 'stderr'; line: string }
  | { event: 'updated'; dir: string; before: string; after: string }
  | { event: 'error'; code: ErrorCode; message: string; details?: Record<string, unknown> };
