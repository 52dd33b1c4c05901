import { z } from 'zod';
import { ERROR_CODES, type ErrorBody } from './errors';

/**
 * What the daemon answers on `/v2` and `/api` (the hosts' answers are in host-schemas.ts): the
 * routes declare these as their responses (fastify serializes with them), the API document is
 * generated from them, and the SDK's types are theirs (api.ts, inference.ts and models.ts take
 * them by type only, so that the UI bundles no zod).
 */

export const ErrorCodeSchema = z.enum(ERROR_CODES);

/** The body of every error answer and every `error` SSE event (errors.ts has its interface). */
export const ErrorBodySchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
  correlation_id: z.string().optional(),
}) satisfies z.ZodType<ErrorBody>;

export const ErrorResponseSchema = z.object({ error: ErrorBodySchema });

/** `POST /v2/tasks` (202): follow it at events_url. */
export const TaskAcceptedSchema = z.object({
  job_id: z.string(),
  status: z.literal('queued'),
  queue_position: z.int(),
  events_url: z.string(),
});

const isoTime = z.iso.datetime({ offset: true });

/**
 * A job as `GET /v2/tasks/{id}` answers it, and what the daemon's journal persists on every
 * status change. Times are ISO 8601 (null until reached); token counts are null until the worker
 * reports them; `host`/`worker_id` name the last worker the job was dispatched to.
 */
export const JobRecordSchema = z.object({
  job_id: z.string(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  model: z.string(),
  priority: z.enum(['interactive', 'batch']),
  /** 0 is next in line; null unless queued. */
  queue_position: z.int().nullable(),
  host: z.string().nullable(),
  worker_id: z.string().nullable(),
  created_at: isoTime,
  started_at: isoTime.nullable(),
  first_token_at: isoTime.nullable(),
  finished_at: isoTime.nullable(),
  tokens_in: z.int().nullable(),
  tokens_out: z.int().nullable(),
  error: ErrorBodySchema.nullable(),
});

/** `GET /v2/tasks?limit=N`: the most recent jobs first. */
export const JobListSchema = z.object({ jobs: z.array(JobRecordSchema) });

/** A model the daemon can serve. */
export const ModelInfoSchema = z.object({
  /** File name without `.gguf`; what `model` in a request names. */
  id: z.string(),
  /** Host whose disk holds the file; `local` is this computer. */
  host: z.string(),
  /** null for a model known only from a host's worker (its file is on that host). */
  size_bytes: z.int().nullable(),
  /** Whether a worker has it loaded right now. */
  loaded: z.boolean(),
});

export const ModelsResponseSchema = z.object({ models: z.array(ModelInfoSchema) });

/** A worker the daemon supervises. */
export const WorkerInfoSchema = z.object({
  id: z.string(),
  model: z.string(),
  host: z.string(),
  port: z.int().nullable(),
  pid: z.int().nullable(),
  state: z.enum(['starting', 'ready', 'crashed', 'stopping', 'stopped']),
  backend: z.string().nullable(),
  slots_total: z.int(),
  slots_busy: z.int(),
  restarts: z.int(),
  last_error: z.string().nullable(),
});

export const WorkersResponseSchema = z.object({ workers: z.array(WorkerInfoSchema) });

/** `GET /api/workers/:id/logs`: the last lines kept. */
export const WorkerLogLinesSchema = z.object({ lines: z.array(z.string()) });

/** `GET /api/info`: what the UI shows about the daemon it talks to. */
export const DaemonInfoSchema = z.object({
  version: z.string(),
  models_dir: z.string(),
  hostname: z.string(),
});

/** `GET /health`: alive, and nothing more (it needs no token). */
export const HealthSchema = z.object({ status: z.literal('ok') });
