/**
 * What the ids that reach a pool host's command line may hold. The agent uses these ids as file
 * names and refuses anything else; the daemon and the CLI check the same rules before anything
 * is sent, so a bad id is a 400 naming it, never an agent process started for nothing. One
 * definition for all three, so they cannot drift.
 */
import { RbeesError } from './errors';

export interface IdRule {
  /** What the value is, for messages: `worker id`. */
  noun: string;
  pattern: RegExp;
  /** What is allowed, in words. */
  allowed: string;
}

/** Worker ids become file names (`worker-<id>.log`): no slashes, no leading dot. */
export const WORKER_ID: IdRule = {
  noun: 'worker id',
  pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
  allowed: '1–128 letters, digits, ".", "_" or "-", starting with a letter or digit',
};

/** The shape of a model id; a model's file is `<id>.gguf` (MODEL_FILE_NAME). */
export const MODEL_ID_SOURCE = '[A-Za-z0-9][A-Za-z0-9._+-]{0,250}';

export const MODEL_ID: IdRule = {
  noun: 'model id',
  pattern: new RegExp(`^${MODEL_ID_SOURCE}$`),
  allowed:
    '1–251 letters, digits, ".", "_", "+" or "-", starting with a letter or digit (the file ' +
    'name without .gguf; rename a file that has other characters)',
};

/** Download ids are the agent's own (`<time>-<hex>`), handed out by a download's start. */
export const DOWNLOAD_ID: IdRule = {
  noun: 'download id',
  pattern: /^[a-z0-9][a-z0-9-]{0,63}$/,
  allowed: '1–64 lower-case letters, digits or "-", as the download\'s start answered',
};

/**
 * Where the agent lives on a host: an absolute path or one under `~/`, of plain path segments
 * (no `.` or `..`, no shell characters: the installer renames and removes this dir).
 */
export const AGENT_DIR: IdRule = {
  noun: 'agent dir',
  pattern:
    /^(?=.{2,1024}$)~?(?:\/(?!\.{1,2}(?:\/|$))[\p{L}\p{N}._+@%=:,~ -]*[\p{L}\p{N}._+@%=:,~-])+\/?$/u,
  allowed:
    'an absolute path or one under ~/ (at most 1024 characters) of letters, digits, spaces and ' +
    '"._+@%=:,~-", without "." or ".." parts, e.g. ~/.rbees/agent',
};

/** The most log lines a `logs` request may ask for first (the agent's bound too). */
export const LOG_LINES_MAX = 1_000_000;

const SHOWN = 64;

/** The value as a message shows it: quoted, control characters escaped, long ones cut. */
export function showValue(value: string): string {
  if (value.length <= SHOWN) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, SHOWN))}… (${value.length} characters)`;
}

/** `"../x" is not a valid worker id — use …`: the message for a value the rule refuses. */
export function idProblem(rule: IdRule, value: unknown): string {
  const shown = typeof value === 'string' ? showValue(value) : `a ${typeof value}`;
  return `${shown} is not a valid ${rule.noun} — use ${rule.allowed}`;
}

/** The value, if the rule allows it; otherwise BAD_REQUEST naming `field`, the value and the rule. */
export function checkId(rule: IdRule, field: string, value: string): string {
  if (rule.pattern.test(value)) return value;
  throw new RbeesError('BAD_REQUEST', `${field}: ${idProblem(rule, value)}`, {
    fields: [field],
    value: value.length <= SHOWN ? value : value.slice(0, SHOWN),
    allowed: rule.allowed,
  });
}

/** A `lines` count as a query gives it: plain decimal digits, 0..LOG_LINES_MAX. */
export function checkLineCount(field: string, raw: string): number {
  const value = /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
  if (value >= 0 && value <= LOG_LINES_MAX) return value;
  throw new RbeesError(
    'BAD_REQUEST',
    `${field}: ${showValue(raw)} is not a line count — use a whole number from 0 to ${LOG_LINES_MAX}`,
    { fields: [field], value: raw.slice(0, SHOWN) },
  );
}
