import type { z } from 'zod';
import { RbeesError } from './errors';

/**
 * Parses a request body with its schema; a failure becomes BAD_REQUEST naming every bad field,
 * e.g. `max_tokens: Too big: expected number to be <=2048`.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw invalidRequest(result.error);
}

/** BAD_REQUEST naming every field a schema refused (what parseBody and the daemon's routes throw). */
export function invalidRequest(error: z.ZodError): RbeesError {
  const problems = error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
    return `${field}: ${issue.message}`;
  });
  return new RbeesError('BAD_REQUEST', `Invalid request. ${problems.join('; ')}`, {
    fields: error.issues.map((issue) => issue.path.join('.')),
  });
}
