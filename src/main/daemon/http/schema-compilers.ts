import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { invalidRequest } from '../../../shared/validation';

/**
 * Routes declare zod schemas (route-schemas.ts): requests are validated with them, refused in
 * the one shape every client knows, BAD_REQUEST naming each field (as parseBody does), and JSON
 * answers are encoded with them, so an answer that drifted from its contract is a logged
 * INTERNAL rather than a surprise for a client. SSE routes write raw and are never serialized.
 */
export function useZodSchemas(app: FastifyInstance): void {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
}

/** An RbeesError, which fastify hands to the error handler as it is (with statusCode 400). */
const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema }) =>
  (data) => {
    const result = schema.safeParse(data);
    return result.success ? { value: result.data } : { error: invalidRequest(result.error) };
  };
