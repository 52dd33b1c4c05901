import type { z } from 'zod';
import { RbeesError } from './errors';

/**
 * Parses a request body with its schema; a failure becomes BAD_REQUEST naming every bad field,
 * e.g. `max_tokens: Too big: expected number to be <=2048`.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
    return `${field}: ${issue.message}`;
  });
  throw new RbeesError('BAD_REQUEST', `Invalid request. ${problems.join('; ')}`, {
    fields: result.error.issues.map((issue) => issue.path.join('.')),
  });
}
