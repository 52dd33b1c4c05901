import { isErrorCode, toErrorBody, type ErrorBody, type ErrorCode } from '../../shared/errors';

/** Each code in words a person can act on; the daemon's message follows with the specifics. */
const MEANING: Record<ErrorCode, string> = {
  BAD_REQUEST: 'The daemon rejected the request',
  PAYLOAD_TOO_LARGE: 'The request is too large for the daemon',
  UNSUPPORTED_MEDIA_TYPE: 'The daemon cannot read this kind of request body',
  UNAUTHORIZED: 'The daemon refused the access token',
  FORBIDDEN_HOST: 'The daemon refused this address',
  NOT_FOUND: 'Not found',
  MODEL_NOT_FOUND: 'The model is not installed',
  MODEL_LOAD_FAILED: 'The model failed to load',
  WORKER_BUSY: 'Every worker for this model is busy',
  QUEUE_FULL: 'The queue is full; try again shortly',
  TOO_MANY_FOLLOWERS: 'Too many logs and downloads are followed on this host',
  WORKER_UNAVAILABLE: 'No worker could serve this model',
  WORKER_CRASHED: 'The worker running the model crashed',
  WORKER_STATE_UNREADABLE: "A worker's state on its host cannot be read",
  CANCELLED: 'The job was cancelled',
  INFERENCE_FAILED: 'Generation failed',
  DAEMON_UNREACHABLE: 'The rbees daemon cannot be reached',
  DAEMON_RESTARTED: 'The rbees daemon stopped while this ran',
  SSH_CONNECT_FAILED: 'The host cannot be reached over SSH',
  SSH_AUTH_FAILED: 'The host refused the SSH key',
  SSH_HOSTKEY_UNKNOWN: "The host's key is not known yet",
  SSH_HOSTKEY_MISMATCH: "The host's key has changed",
  SSH_TIMEOUT: 'The host did not answer in time',
  INSUFFICIENT_VRAM: 'The model does not fit in GPU memory',
  INSUFFICIENT_DISK: 'Not enough free disk space',
  DOWNLOAD_FAILED: 'The download failed',
  CHECKSUM_MISMATCH: 'The file did not match its checksum',
  AGENT_FAILED: "The host's rbees agent failed",
  AGENT_OUTDATED: "The host's rbees agent is of another version; update it",
  INTERNAL: 'The daemon hit an internal error',
};

/** Short title for a code, e.g. "The model failed to load". */
export function errorTitle(code: ErrorCode): string {
  return MEANING[code];
}

/** "The model failed to load: <message>". */
export function describeError(error: Pick<ErrorBody, 'code' | 'message'>): string {
  const message = error.message.trim();
  return message ? `${MEANING[error.code]}: ${message}` : `${MEANING[error.code]}.`;
}

/**
 * Any thrown value as an ErrorBody. A 401 that did not come in our error shape (a proxy, an older
 * daemon) still counts as UNAUTHORIZED, so the token screen shows instead of a raw HTTP line.
 */
export function toUiError(err: unknown): ErrorBody {
  if (isErrorBody(err)) return err;
  const body = toErrorBody(err);
  if (body.code === 'INTERNAL' && /^HTTP 401\b/.test(body.message)) {
    return { ...body, code: 'UNAUTHORIZED' };
  }
  return body;
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (!value || typeof value !== 'object' || value instanceof Error) return false;
  const body = value as Partial<ErrorBody>;
  return isErrorCode(body.code) && typeof body.message === 'string';
}
