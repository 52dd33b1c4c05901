import type { FastifyRequest } from 'fastify';
import { clientErrorCode, RbeesError, toErrorBody, type ErrorBody } from '../../../shared/errors';

/** Request bodies are JSON: 4 MiB is far past any chat (model files go up as a streamed upload). */
export const BODY_LIMIT = 4 * 1024 * 1024;

/** What a route's error handler answers, in rbees' shape; an unexpected one is logged. */
export function errorBodyOf(err: unknown, request: FastifyRequest): ErrorBody {
  const body = toErrorBody(asRbeesError(err), request.id);
  if (body.code === 'INTERNAL') request.log.error({ err }, 'request failed');
  return body;
}

/** What to do about fastify's own 4xx, by status. */
const CLIENT_ERROR_FIX: Record<number, string> = {
  413: ` (the limit is ${BODY_LIMIT / 1024 / 1024} MiB; model files go up as a streamed upload)`,
  415: ' — send Content-Type: application/json',
};

/** Fastify's own errors (bad JSON, body too large, no parser for its type) with their codes. */
function asRbeesError(err: unknown): unknown {
  if (err instanceof RbeesError) return err;
  const { statusCode: status, message } = err as { statusCode?: number; message?: string };
  if (status && status >= 400 && status < 500) {
    return new RbeesError(
      clientErrorCode(status),
      `Invalid request: ${message ?? 'bad body'}${CLIENT_ERROR_FIX[status] ?? ''}.`,
    );
  }
  return err;
}
