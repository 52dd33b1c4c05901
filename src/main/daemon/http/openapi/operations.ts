import { ref, type Schema } from './json-schema';

/** Builders for operations, so that each one lists its success and its error answer the same way. */

export type PathItem = Partial<Record<'get' | 'put' | 'post' | 'patch' | 'delete', Schema>>;
export type Paths = Record<string, PathItem>;

/** The OpenAPI template of a path from `API`: `template(API.task, 'id')` is `/v2/tasks/{id}`. */
export function template<A extends string[]>(path: (...args: A) => string, ...names: A): string {
  const placeholders = names.map((name) => `{${name}}`) as A;
  // The API's paths percent-encode their arguments; the braces must survive.
  return path(...placeholders).replace(/%7B(\w+)%7D/g, '{$1}');
}

export function json(schema: string | Schema): Record<string, { schema: Schema }> {
  return { 'application/json': { schema: typeof schema === 'string' ? ref(schema) : schema } };
}

/** A `text/event-stream` answer; OpenAPI 3.1 cannot type the events, so they are named in words. */
export function sse(events: readonly string[], about: string): Record<string, Schema> {
  return {
    'text/event-stream': {
      schema: { type: 'string', description: `Events: ${events.join(', ')}. ${about}` },
    },
  };
}

interface Answer {
  status: number;
  description: string;
  content?: Record<string, unknown>;
  headers?: Schema;
}

interface OperationSpec {
  tag: string;
  summary: string;
  description?: string;
  ok: Answer;
  /** A component schema's name (a JSON body), or a whole requestBody object. */
  body?: string | Schema;
  parameters?: Schema[];
  /** Reachable without the bearer token. */
  open?: boolean;
  /** Queues a job: answers 429 QUEUE_FULL with `Retry-After` when the queue is full. */
  queues?: boolean;
}

const QUEUE_FULL = {
  description:
    'QUEUE_FULL: the queue holds RBEES_QUEUE_CAPACITY jobs already. `details.retry_after_s` ' +
    'and the `Retry-After` header say when to try again.',
  headers: {
    'Retry-After': {
      description: 'Seconds to wait before trying again.',
      schema: { type: 'integer' },
    },
  },
  content: json('ErrorResponse'),
};

/** One operation: its success answer, then every error as `{ error: ErrorBody }`. */
export function op(spec: OperationSpec): Schema {
  const { status, ...ok } = spec.ok;
  return {
    tags: [spec.tag],
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.open ? { security: [] } : {}),
    ...(spec.parameters ? { parameters: spec.parameters } : {}),
    ...(spec.body !== undefined ? { requestBody: requestBody(spec.body) } : {}),
    responses: {
      [String(status)]: ok,
      ...(spec.queues ? { '429': QUEUE_FULL } : {}),
      default: { $ref: '#/components/responses/Error' },
    },
  };
}

function requestBody(body: string | Schema): Schema {
  return typeof body === 'string' ? { required: true, content: json(body) } : body;
}

export function query(name: string, description: string, schema: Schema): Schema {
  return { name, in: 'query', required: false, description, schema };
}

/** What a path parameter holds, by its name in the routes. */
const PATH_PARAMETERS: Record<string, string> = {
  id: 'The id of the task, worker, model or download the path names.',
  name: 'The pool host\'s name; "local" is this computer.',
  messageId: "The message's id, chosen by the client.",
};

/** The `{…}` parameters of every path, declared once on its path item. */
export function withPathParameters(paths: Paths): Record<string, Schema> {
  return Object.fromEntries(
    Object.entries(paths).map(([path, item]) => {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
      if (names.length === 0) return [path, item];
      const parameters = names.map((name) => ({
        name,
        in: 'path',
        required: true,
        description: PATH_PARAMETERS[name] ?? name,
        schema: { type: 'string' },
      }));
      return [path, { parameters, ...item }];
    }),
  );
}
