import { z } from 'zod';
import type { WorkerStatus } from './inference';
import type { AgentWorkerEntry, SpawnedWorker, WorkerEntry } from './pool-status';

/**
 * The worker wires that the daemon and the CLI read: the agent's `worker list` and `worker spawn`
 * lines, and a worker's `GET /status`. Parsed at the boundary, so a renamed field fails there.
 */

const Backend = z.enum(['auto', 'cpu', 'cuda', 'metal', 'vulkan']);

/**
 * A worker as the daemon may show it. Parsing with it keeps only these fields: whatever else an
 * agent's line holds (the worker's secret) is dropped, so no API answer, event or stored row can
 * carry it by accident.
 */
export const WorkerEntrySchema = z.object({
  id: z.string(),
  pid: z.int(),
  port: z.int().nullable(),
  model: z.string(),
  model_path: z.string(),
  backend: Backend,
  gpu: z.int().nullable(),
  log: z.string(),
  started_at: z.string(),
  // An agent older than restarts and on-demand workers prints none of these three.
  on_demand: z.boolean().default(false),
  restarts: z.int().default(0),
  last_error: z.string().nullable().default(null),
  status: z.enum(['starting', 'ready', 'unresponsive', 'restarting', 'failed']),
  slots_total: z.int().nullable(),
  slots_busy: z.int().nullable(),
}) satisfies z.ZodType<WorkerEntry>;

export const AgentWorkerEntrySchema = WorkerEntrySchema.extend({
  secret: z.string().nullable(),
}) satisfies z.ZodType<AgentWorkerEntry>;

/** `rbees-pool worker list --json`'s answer. */
export const WorkersLineSchema = z.object({
  event: z.literal('workers'),
  workers: z.array(AgentWorkerEntrySchema),
  cleaned: z.array(z.string()),
});

/** `rbees-pool worker spawn --json`'s answer. */
export const SpawnedLineSchema = z.object({
  event: z.literal('spawned'),
  id: z.string(),
  port: z.int(),
  pid: z.int(),
  model: z.string(),
  backend: Backend,
  log: z.string(),
  secret: z.string(),
}) satisfies z.ZodType<SpawnedWorker & { event: 'spawned' }>;

/** A worker's `GET /status`. */
export const WorkerStatusSchema = z.object({
  status: z.enum(['loading', 'ready']),
  model: z.string(),
  backend: z.string(),
  slots_total: z.int(),
  slots_busy: z.int(),
  context_size: z.int(),
  pid: z.int(),
}) satisfies z.ZodType<WorkerStatus>;
