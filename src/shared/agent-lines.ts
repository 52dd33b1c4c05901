import { z } from 'zod';
import { ERROR_CODES } from './errors';
import type {
  DetachedLineSchema,
  ModelsLineSchema,
  RemovedLineSchema,
  VerifiedLineSchema,
  VerifyProgressLineSchema,
} from './model-schemas';
import type { StatusLineSchema } from './status-schemas';
import type {
  SpawnedLineSchema,
  StoppedLineSchema,
  WorkerLogLineSchema,
  WorkersLineSchema,
} from './worker-schemas';

/**
 * The JSON lines `rbees-pool --json` prints on stdout, one object a line, each with an `event`.
 * Every command ends with exactly one terminal line: its result, or `error`. Streaming commands
 * (verify, logs, git pull) print non-terminal lines before it. The agent types what it prints
 * with these schemas' input types and the daemon parses what it reads with the schemas, so a
 * field renamed on one side fails to compile on it or is caught at the other (AGENT_OUTDATED).
 * `models download` prints DownloadEvent lines and bare DownloadStates (model-schemas.ts).
 */

/** `git pull` relays git's own output line by line. */
export const OutputLineSchema = z.object({
  event: z.literal('output'),
  stream: z.enum(['stdout', 'stderr']),
  line: z.string(),
});

/** `git pull`'s answer. */
export const UpdatedLineSchema = z.object({
  event: z.literal('updated'),
  dir: z.string(),
  before: z.string(),
  after: z.string(),
});

/**
 * A command that failed. Read apart from the other lines: a code this daemon does not know (a
 * newer agent's) is AGENT_FAILED with the agent's message, never a line that cannot be read.
 */
export const ErrorLineSchema = z.object({
  event: z.literal('error'),
  code: z.enum(ERROR_CODES),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** Any line `Output.emit` may print. */
export type AgentLine = z.input<
  | typeof StatusLineSchema
  | typeof ModelsLineSchema
  | typeof RemovedLineSchema
  | typeof VerifyProgressLineSchema
  | typeof VerifiedLineSchema
  | typeof DetachedLineSchema
  | typeof SpawnedLineSchema
  | typeof WorkersLineSchema
  | typeof StoppedLineSchema
  | typeof WorkerLogLineSchema
  | typeof OutputLineSchema
  | typeof UpdatedLineSchema
  | typeof ErrorLineSchema
>;
