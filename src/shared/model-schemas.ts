import { z } from 'zod';
import { ERROR_CODES } from './errors';
import { DiskSchema, ModelEntrySchema } from './status-schemas';

/**
 * What the agent's `models …` commands print, and what the daemon's API hands on from them: a
 * host's model files with their GGUF facts, checksums, and Hugging Face downloads.
 */

const ErrorCodeSchema = z.enum(ERROR_CODES);

/**
 * Memory for one context size, by node-llama-cpp's estimate from the GGUF header
 * (`GgufInsights`, src/pool/agent/models/fit-estimate.ts). Bytes; the padding node-llama-cpp keeps
 * free on each device is not in them (src/shared/model-fit.ts adds it when judging).
 */
export const FitPointSchema = z.object({
  /** Context tokens per slot. */
  ctx: z.int(),
  /** Every layer on one GPU: the VRAM there, and the RAM beside it (input embeddings, outputs). */
  gpu_vram_bytes: z.int(),
  gpu_ram_bytes: z.int(),
  /** No GPU: all of it in RAM. */
  cpu_ram_bytes: z.int(),
});

/** A model's needs as `models list` reports them: the numbers the UI shows and the spawn checks. */
export const ModelFitSchema = z.object({
  /** Parallel generations the points are for (the spawn's default). */
  slots: z.int(),
  /** The context a spawn without --ctx is checked at; one of the points. */
  default_ctx: z.int(),
  /** Ascending ctx: powers of two from 256 up to the trained context, which is the last. */
  points: z.array(FitPointSchema),
});

/**
 * A model file with the GGUF header facts `models list` adds; `error` instead when the header
 * cannot be read. Every fact is optional (a header may lack it): a field added here later is
 * optional too, so that the daemon still reads an agent that does not print it.
 */
export const ModelDetailsSchema = ModelEntrySchema.extend({
  architecture: z.string().optional(),
  name: z.string().optional(),
  parameter_count: z.number().optional(),
  size_label: z.string().optional(),
  /** llama.cpp's file type name, e.g. `Q4_K_M`, `F16`. */
  file_type: z.string().optional(),
  context_length: z.int().optional(),
  /** What loading it needs (absent when the header is unreadable, or from an older agent). */
  fit: ModelFitSchema.optional(),
  /** Why there is no `fit` although the header was read (node-llama-cpp's addon would not load). */
  fit_error: z.string().optional(),
  error: z.string().optional(),
});

/** `models list`'s answer. */
export const ModelsLineSchema = z.object({
  event: z.literal('models'),
  models_dir: z.string(),
  models: z.array(ModelDetailsSchema),
  /** The disk that holds models_dir (null when none can be read; absent from older agents). */
  disk: DiskSchema.optional(),
});

/** `models rm`'s answer. */
export const RemovedLineSchema = z.object({
  event: z.literal('removed'),
  id: z.string(),
  path: z.string(),
});

/** `models verify` prints these about once a second before its answer. */
export const VerifyProgressLineSchema = z.object({
  event: z.literal('progress'),
  id: z.string(),
  bytes: z.number(),
  total_bytes: z.number(),
});

/** `models verify`'s answer, and `POST /api/hosts/:name/models/:id/verify`'s. */
export const VerifiedLineSchema = z.object({
  event: z.literal('verified'),
  id: z.string(),
  sha256: z.string(),
  /** What it was compared with; empty when there was nothing to compare (match: null). */
  expected: z.array(z.object({ source: z.enum(['sidecar', 'argument']), sha256: z.string() })),
  match: z.boolean().nullable(),
});

/** One progress event (the `progress` JSON line carries the same fields). */
export const DownloadProgressSchema = z.object({
  bytes: z.number(),
  total: z.number(),
  bytes_per_sec: z.number(),
  /** Seconds left at the current rate; null until there is a rate. */
  eta_s: z.number().nullable(),
});

/**
 * What `models download --json` prints, one JSON object a line, and what a detached download's
 * log holds (`--attach` replays it): `start`, then `progress`*, then exactly one of `done` | `error`.
 */
export const DownloadEventSchema = z.discriminatedUnion('event', [
  z.object({
    event: z.literal('start'),
    id: z.string(),
    ref: z.string(),
    file: z.string(),
    total: z.number(),
    resumed_from: z.number(),
  }),
  DownloadProgressSchema.extend({ event: z.literal('progress') }),
  z.object({ event: z.literal('done'), id: z.string(), path: z.string(), sha256: z.string() }),
  z.object({ event: z.literal('error'), code: ErrorCodeSchema, message: z.string() }),
]);

/**
 * A detached download's state file, as `models download --list` prints it (one bare state a
 * line, no `event`) and `--cancel` answers.
 */
export const DownloadStateSchema = z.object({
  id: z.string(),
  ref: z.string(),
  /** Known once the reference is resolved. */
  file: z.string().nullable(),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  bytes: z.number(),
  total: z.number().nullable(),
  /** The detached process (its own process group); null until it has started. */
  pid: z.int().nullable(),
  path: z.string().optional(),
  sha256: z.string().optional(),
  error: z.object({ code: ErrorCodeSchema, message: z.string() }).optional(),
  started_at: z.string(),
  updated_at: z.string(),
});

/** `models download <ref> --detach`'s answer: follow it with `--attach <id>`. */
export const DetachedLineSchema = z.object({
  event: z.literal('detached'),
  id: z.string(),
  pid: z.int(),
  log: z.string(),
});
