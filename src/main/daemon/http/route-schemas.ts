import { z } from 'zod';
import { ErrorResponseSchema } from '../../../shared/api-schemas';

/**
 * Pieces of the routes' `schema` declarations, so that every route says its answers the same
 * way: its success in a JSON, SSE or empty answer, and every error as `{ error: ErrorBody }`
 * (`default`; the API document names it once, components.responses.Error). fastify validates
 * requests and serializes JSON answers with these schemas (schema-compilers.ts), and the API
 * document is generated from them (api-document.ts).
 */

/** A JSON answer. The schema is passed as it is (not `.describe()`d): a named one stays a $ref. */
export function json<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** An empty answer (204). */
export function empty(description: string) {
  return z.undefined().meta({ description });
}

/**
 * A `text/event-stream` answer. The route writes it raw (sse-reply.ts: nothing is serialized on
 * the per-token path); OpenAPI 3.1 cannot type the events, so they are named in words.
 */
export function sse(description: string, events: readonly string[], about: string) {
  const schema = z.string().meta({ description: `Events: ${events.join(', ')}. ${about}` });
  return { description, content: { 'text/event-stream': { schema } } };
}

/** The members of the string union T, listed once: tsc fails when T gains or loses one. */
export function eventNames<T extends string>(members: Record<T, true>): T[] {
  return Object.keys(members) as T[];
}

/** Every error, as `{ error: ErrorBody }` with the HTTP status of its code. */
export const ERRORS = { default: ErrorResponseSchema };

/** Routes that queue a job also answer 429 QUEUE_FULL with `Retry-After`. */
export const QUEUE_FULL = {
  429: {
    description:
      'QUEUE_FULL: the queue holds RBEES_QUEUE_CAPACITY jobs already. `details.retry_after_s` ' +
      'and the `Retry-After` header say when to try again.',
    headers: {
      'Retry-After': { type: 'integer', description: 'Seconds to wait before trying again.' },
    },
    content: { 'application/json': { schema: ErrorResponseSchema } },
  },
};

const param = (description: string) => z.string().meta({ description });

/** Path parameters, by their name in the routes. */
export const HOST_NAME = param('The pool host\'s name; "local" is this computer.');
export const ITEM_ID = param('The id of the task, worker, model or download the path names.');
export const ByHost = z.object({ name: HOST_NAME });
export const ByHostItem = z.object({ name: HOST_NAME, id: ITEM_ID });
export const ById = z.object({ id: ITEM_ID });
