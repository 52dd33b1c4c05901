import { z } from 'zod';
import { AGENT_DIR, idProblem, MODEL_ID } from './ids';
import type { IdRule } from './ids';

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
  backend: z.enum(['auto', 'cpu', 'cuda', 'metal', 'vulkan']).default('auto'),
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
