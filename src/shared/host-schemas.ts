import { z } from 'zod';
import { ErrorCodeSchema } from './api-schemas';
import { AGENT_DIR, idProblem, MODEL_ID } from './ids';
import type { IdRule } from './ids';
import { DownloadStateSchema, ModelsLineSchema } from './model-schemas';
import { SpawnedWorkerSchema, WorkerBackendSchema, WorkerEntrySchema } from './worker-schemas';

/** A string the rule allows; the message names the value given and what is allowed. */
function ruled(rule: IdRule) {
  return z.string().regex(rule.pattern, { error: (issue) => idProblem(rule, issue.input) });
}

/**
 * Request schemas of the hosts API. Host names end up in URLs, logs and messages: a short, plain
 * set of characters keeps all of them unambiguous.
 */
export const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** `POST /api/hosts`. */
export const AddHostSchema = z.object({
  name: z
    .string()
    .regex(HOST_NAME, 'use 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit'),
  // No whitespace or leading "-": the spec is resolved like an ssh argument and must stay one word.
  spec: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^\s-][^\s]*$/, 'use an ~/.ssh/config alias or user@host[:port]'),
  identity_file: z.string().min(1).max(4096).optional(),
  // It reaches the host's command lines, and the installer renames and replaces it.
  agent_dir: ruled(AGENT_DIR).optional(),
});

export type AddHostRequest = z.infer<typeof AddHostSchema>;

/** `POST /api/hosts/:name/trust`: the fingerprint the user confirmed, as `ssh-keygen -lf` prints it. */
export const TrustHostSchema = z.object({
  fingerprint: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'expected SHA256: and 43 base64 characters'),
});

/** `POST /api/hosts/:name/downloads`: an alias, `hf:org/repo@rev::file=NAME.gguf` or `org/repo:QUANT`. */
export const StartDownloadSchema = z.object({
  ref: z
    .string()
    .min(1)
    .max(512)
    .regex(/^[^\s-]\S*$/, 'use an alias, hf:org/repo::file=NAME.gguf or org/repo:QUANT'),
});

/** `POST /api/hosts/:name/workers`: the agent's `worker spawn` options. */
export const SpawnWorkerSchema = z.object({
  model: ruled(MODEL_ID),
  backend: WorkerBackendSchema.default('auto'),
  gpu: z.number().int().min(0).max(63).optional(),
  slots: z.number().int().min(1).max(64).optional(),
  /** CPU threads for the worker (default: the worker's choice, all math cores). */
  threads: z.number().int().min(1).max(1024).optional(),
  ctx: z
    .number()
    .int()
    .min(16)
    .max(1 << 24)
    .optional(),
  /** Restarts in a row after it dies before its keeper gives up (the agent's default: 5; 0: none). */
  restarts: z.number().int().min(0).max(1000).optional(),
});

export type SpawnWorkerRequest = z.input<typeof SpawnWorkerSchema>;

// Defined in the zod-free models module so the renderer can check a dropped file's name too.
export { MODEL_FILE_NAME } from './models';

/**
 * `GET /api/hosts/:name/workers/:id/logs`: `follow=1|true` keeps streaming; `lines`, how many of
 * the last lines to send first. A repeated key arrives as an array: read as its values joined (as
 * String() joins them), which the route's checks then refuse naming the value.
 */
const queryValue = z.union([z.string(), z.array(z.string()).transform(String)]);
export const LogsQuerySchema = z.object({
  follow: queryValue.optional().meta({ description: 'Keep streaming new lines: 1 or true.' }),
  lines: queryValue.optional().meta({
    description: 'How many of the last lines to send first (at most 10000 with follow).',
  }),
});

/** What `/api/hosts` answers: the hosts, and what their agents report (agent-lines.ts). */

/** A host as `GET /api/hosts` lists it. */
export const HostInfoSchema = z.object({
  name: z.string(),
  /** An ~/.ssh/config alias or user@host[:port]; `local` for this computer. */
  spec: z.string(),
  agent_dir: z.string(),
  /** `local` is this computer; the others are the SSH session's states (never `closed`). */
  state: z.enum(['local', 'idle', 'connecting', 'online', 'offline', 'reconnecting']),
  /** Why the host is offline, when it is. */
  reason: z.string().optional(),
  /** The code of `reason` (SSH_HOSTKEY_MISMATCH: the key changed, see /replace-key). */
  reason_code: ErrorCodeSchema.optional(),
});

export const HostsResponseSchema = z.object({ hosts: z.array(HostInfoSchema) });

/** `GET /api/ssh-aliases`: the Host aliases of the daemon user's ~/.ssh/config. */
export const SshAliasesResponseSchema = z.object({ aliases: z.array(z.string()) });

/**
 * `GET /api/hosts/:name/agent`: the agent on the host against the one this app ships for it.
 * `current`: the host runs what this app would install; `outdated`: another version; `missing`:
 * no agent there; `unknown`: an agent with no VERSION (not put there by the installer, e.g. a
 * git checkout), or a platform this app has no agent for.
 */
export const AgentVersionResponseSchema = z.object({
  state: z.enum(['current', 'outdated', 'missing', 'unknown']),
  /** The VERSION in the host's agent dir, `<package version>+<12 hex of the content hash>`. */
  installed: z.string().nullable(),
  /** What an install would put there now (null when the host's platform has none). */
  shipped: z.string().nullable(),
  /** The install target, e.g. `linux-x64`; null when `uname` names none. */
  platform: z.string().nullable(),
});

/** `GET /api/hosts/:name/models`: the files in the host's models folder, with their GGUF facts. */
export const HostModelsResponseSchema = ModelsLineSchema.pick({ models_dir: true, models: true });

/** `PUT /api/hosts/:name/models/:file`: the model as verified on the host. */
export const UploadResponseSchema = z.object({
  id: z.string(),
  path: z.string(),
  sha256: z.string(),
  size_bytes: z.int(),
});

/** `GET /api/hosts/:name/downloads`: detached downloads, running and ended. */
export const DownloadsResponseSchema = z.object({ downloads: z.array(DownloadStateSchema) });

/** `POST /api/hosts/:name/downloads` (202): follow it at `.../downloads/:id/events`. */
export const StartDownloadResponseSchema = z.object({ id: z.string() });

/** `GET /api/hosts/:name/workers`: what the host's agent finds running. */
export const HostWorkersResponseSchema = z.object({ workers: z.array(WorkerEntrySchema) });

/** `POST /api/hosts/:name/workers` (201): the worker, ready on the host's loopback. */
export const SpawnWorkerResponseSchema = SpawnedWorkerSchema.omit({ secret: true });
