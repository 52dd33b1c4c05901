/**
 * Errors are data: one closed set of codes, one wire shape (SYS-5.5.1), used by the worker, the
 * daemon, the SDK and the UI alike. Messages name the subject and the fix.
 */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHORIZED',
  'FORBIDDEN_HOST',
  'NOT_FOUND',
  'MODEL_NOT_FOUND',
  'MODEL_LOAD_FAILED',
  'WORKER_BUSY',
  'QUEUE_FULL',
  'TOO_MANY_FOLLOWERS',
  'WORKER_UNAVAILABLE',
  'WORKER_CRASHED',
  'WORKER_STATE_UNREADABLE',
  'CANCELLED',
  'INFERENCE_FAILED',
  'DAEMON_UNREACHABLE',
  'DAEMON_RESTARTED',
  'SSH_CONNECT_FAILED',
  'SSH_AUTH_FAILED',
  'SSH_HOSTKEY_UNKNOWN',
  'SSH_HOSTKEY_MISMATCH',
  'SSH_TIMEOUT',
  'INSUFFICIENT_VRAM',
  'INSUFFICIENT_DISK',
  'DOWNLOAD_FAILED',
  'CHECKSUM_MISMATCH',
  'AGENT_FAILED',
  'AGENT_OUTDATED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The body of every error answer and every `error` SSE event. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  correlation_id?: string;
}

export interface ErrorResponse {
  error: ErrorBody;
}

/** HTTP status for each code, so every server answers the same way. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHORIZED: 401,
  FORBIDDEN_HOST: 403,
  NOT_FOUND: 404,
  MODEL_NOT_FOUND: 404,
  MODEL_LOAD_FAILED: 502,
  WORKER_BUSY: 503,
  // `details.retry_after_s` says when to try again; the routes send it as `Retry-After`.
  QUEUE_FULL: 429,
  // Past RBEES_FOLLOWERS_PER_HOST distinct log/download followers on one host (each holds a channel).
  TOO_MANY_FOLLOWERS: 429,
  WORKER_UNAVAILABLE: 503,
  WORKER_CRASHED: 502,
  // A worker's state file on a pool host that cannot be read: the worker may still run there.
  WORKER_STATE_UNREADABLE: 502,
  CANCELLED: 499,
  INFERENCE_FAILED: 500,
  DAEMON_UNREACHABLE: 503,
  // A job the daemon lost when it stopped mid-way; only ever seen in a job's record.
  DAEMON_RESTARTED: 503,
  SSH_CONNECT_FAILED: 502,
  SSH_AUTH_FAILED: 502,
  // The caller must decide whether to trust the key: a conflict with what we know, not a fault.
  SSH_HOSTKEY_UNKNOWN: 409,
  SSH_HOSTKEY_MISMATCH: 409,
  SSH_TIMEOUT: 504,
  INSUFFICIENT_VRAM: 409,
  INSUFFICIENT_DISK: 507,
  DOWNLOAD_FAILED: 502,
  CHECKSUM_MISMATCH: 502,
  AGENT_FAILED: 502,
  // The host's agent printed what this daemon cannot read: another version (update it).
  AGENT_OUTDATED: 502,
  INTERNAL: 500,
};

/** An error carrying a code, thrown inside a process and turned into an ErrorBody at its edge. */
export class RbeesError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'RbeesError';
  }

  toBody(correlationId?: string): ErrorBody {
    return {
      code: this.code,
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
      ...(correlationId ? { correlation_id: correlationId } : {}),
    };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * The code for an HTTP framework's own 4xx (fastify's: bad JSON, a body over the limit, a content
 * type with no parser), which it answers before any route runs.
 */
export function clientErrorCode(status: number): ErrorCode {
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  return 'BAD_REQUEST';
}

/** Any thrown value as an ErrorBody; unknown failures become INTERNAL with their message. */
export function toErrorBody(err: unknown, correlationId?: string): ErrorBody {
  if (err instanceof RbeesError) return err.toBody(correlationId);
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message, ...(correlationId ? { correlation_id: correlationId } : {}) };
}
