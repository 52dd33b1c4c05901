import { z } from 'zod';

/**
 * The worker wires that the daemon and the CLI read: the agent's `worker …` lines, and a
 * worker's `GET /status`. Parsed at the boundary, so a renamed field fails there; the types in
 * pool-status.ts and inference.ts are these schemas' (by type only: no zod in the UI).
 */

export const WorkerBackendSchema = z.enum(['auto', 'cpu', 'cuda', 'metal', 'vulkan']);

/** A worker the agent started, as the daemon and its API know it (its state file less the secret). */
export const WorkerStateSchema = z.object({
  id: z.string(),
  pid: z.int(),
  /** null until the worker printed its ready line. */
  port: z.int().nullable(),
  model: z.string(),
  model_path: z.string(),
  backend: WorkerBackendSchema,
  gpu: z.int().nullable(),
  log: z.string(),
  started_at: z.string(),
  // The three below are absent from what an agent older than worker restarts reports.
  /**
   * Started by the daemon for its jobs (`worker spawn --on-demand`): the daemon stops it when it
   * sits idle and when the daemon closes. Workers someone started are never stopped for them.
   */
  on_demand: z.boolean().optional(),
  /** How often the agent started it again after it died. */
  restarts: z.int().optional(),
  /** Why it last died or could not start again; null while it never did. */
  last_error: z.string().nullable().optional(),
});

/**
 * The state file `$RBEES_HOME/workers/<id>.json` (0600, in a 0700 folder): the state, the worker's
 * secret (null: started by an agent that gave workers no secret; `worker list` shows it
 * unresponsive) and what its keeper needs to start it again.
 */
export const WorkerRecordSchema = WorkerStateSchema.extend({
  // What an older agent's file lacks is read at its neutral value (worker-state.ts).
  on_demand: z.boolean(),
  restarts: z.int(),
  last_error: z.string().nullable(),
  secret: z.string().nullable(),
  /** The `rbees-pool worker keep` process that restarts the worker when it dies; null: none. */
  keeper_pid: z.int().nullable(),
  /** rbees-workerd's arguments, to start it again the same way. */
  args: z.array(z.string()),
  /** The keeper gave up (too many restarts in a row): kept, to say why, until stopped. */
  gave_up: z.boolean(),
});

/**
 * A worker as the daemon may show it. Parsing with it keeps only these fields: whatever else an
 * agent's line holds (the worker's secret) is dropped, so no API answer, event or stored row can
 * carry it by accident.
 */
export const WorkerEntrySchema = WorkerStateSchema.extend({
  // An agent older than restarts and on-demand workers prints none of these three.
  on_demand: z.boolean().default(false),
  restarts: z.int().default(0),
  last_error: z.string().nullable().default(null),
  /**
   * `starting`: no ready line yet; `ready`: answers /status; `unresponsive`: alive, no answer;
   * `restarting`: it died and its keeper starts it again after a backoff; `failed`: it kept
   * dying and the keeper gave up (`last_error` says why).
   */
  status: z.enum(['starting', 'ready', 'unresponsive', 'restarting', 'failed']),
  slots_total: z.int().nullable(),
  slots_busy: z.int().nullable(),
});

/**
 * A worker as `worker list --json` prints it: with its secret, for whoever runs the agent (over
 * SSH, which is what protects it). null: a worker started by an agent that gave workers no
 * secret; `worker list` shows it unresponsive.
 */
export const AgentWorkerEntrySchema = WorkerEntrySchema.extend({
  secret: z.string().nullable(),
});

/** `rbees-pool worker list --json`'s answer. */
export const WorkersLineSchema = z.object({
  event: z.literal('workers'),
  workers: z.array(AgentWorkerEntrySchema),
  /** ids of dead workers whose files were removed */
  cleaned: z.array(z.string()),
  /** State files it could not read (WORKER_STATE_UNREADABLE): their workers may still run. */
  unreadable: z.array(z.object({ code: z.string(), message: z.string() })).optional(),
});

/** What `worker spawn --json` answers: the worker, ready on the host's loopback. */
export const SpawnedWorkerSchema = z.object({
  id: z.string(),
  port: z.int(),
  pid: z.int(),
  model: z.string(),
  backend: WorkerBackendSchema,
  log: z.string(),
  secret: z.string(),
});

/** `rbees-pool worker spawn --json`'s answer. */
export const SpawnedLineSchema = SpawnedWorkerSchema.extend({ event: z.literal('spawned') });

/** `rbees-pool worker stop --json`'s answer (idempotent: a worker that was not running too). */
export const StoppedLineSchema = z.object({
  event: z.literal('stopped'),
  id: z.string(),
  pid: z.int().nullable(),
  was_running: z.boolean(),
  /** The signal that ended it; null when it was not running. */
  signal: z.enum(['SIGTERM', 'SIGKILL']).nullable(),
});

/**
 * What `worker logs <id> [--follow]` prints: `log` per line; with --follow, `logs_live` once the
 * tail is printed (what follows is appended live); `logs_end` last.
 */
export const WorkerLogLineSchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('log'), id: z.string(), line: z.string() }),
  z.object({ event: z.literal('logs_live'), id: z.string() }),
  z.object({
    event: z.literal('logs_end'),
    id: z.string(),
    reason: z.enum(['eof', 'worker_exited', 'signal']),
  }),
]);

/** A worker's `GET /status`. */
export const WorkerStatusSchema = z.object({
  status: z.enum(['loading', 'ready']),
  model: z.string(),
  backend: z.string(),
  slots_total: z.int(),
  slots_busy: z.int(),
  context_size: z.int(),
  pid: z.int(),
});
