import { z } from 'zod';
import { grammarSchema, UnsupportedSchema } from './json-schema';

/**
 * The reply constrained to JSON: any JSON object, or JSON valid against a schema (normalised for
 * node-llama-cpp's grammar generator, or refused naming the keyword it cannot enforce).
 */
export const GrammarSchemaSchema = z
  .record(z.string(), z.unknown())
  .transform((schema, ctx) => {
    try {
      return grammarSchema(schema);
    } catch (err) {
      if (!(err instanceof UnsupportedSchema)) throw err;
      ctx.issues.push({ code: 'custom', input: schema, path: err.path, message: err.message });
      return z.NEVER;
    }
  })
  .meta({ description: 'A JSON Schema (what node-llama-cpp can enforce: see json-schema.ts).' });

export const OutputFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('json') }),
  z.object({ type: z.literal('json_schema'), schema: GrammarSchemaSchema }),
]);
