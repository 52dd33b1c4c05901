import { z } from 'zod';
import { grammarSchema, UnsupportedSchema } from './json-schema';
import { DEFAULT_TEMPERATURE, LIMITS } from './limits';

/**
 * The request schemas: the server side validates with them; clients get the types derived from
 * them (inference.ts) without bundling zod.
 */
export const ChatMessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});

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

/** Sampling options accepted by every inference entry point. */
export const SamplingSchema = z.object({
  max_tokens: z.int().min(1).max(LIMITS.maxTokens),
  temperature: z
    .number()
    .min(LIMITS.temperature.min)
    .max(LIMITS.temperature.max)
    .default(DEFAULT_TEMPERATURE),
  top_p: z.number().gt(0).max(1).optional(),
  top_k: z.int().min(0).optional(),
  min_p: z.number().min(0).max(1).optional(),
  // 0 would divide llama.cpp's logits by zero.
  repetition_penalty: z.number().gt(0).max(2).optional(),
  presence_penalty: z.number().min(LIMITS.penalty.min).max(LIMITS.penalty.max).optional(),
  frequency_penalty: z.number().min(LIMITS.penalty.min).max(LIMITS.penalty.max).optional(),
  stop: z.array(z.string().min(1)).max(LIMITS.stopSequences).optional(),
  seed: z.int().min(0).optional(),
  format: OutputFormatSchema.optional(),
});

/** Exactly one of a raw prompt or chat messages (formatted with the model's chat template). */
const InputSchema = z.object({
  prompt: z.string().min(1).optional(),
  messages: z.array(ChatMessageSchema).min(1).optional(),
});

function exactlyOneInput(value: { prompt?: string; messages?: unknown[] }): boolean {
  return (value.prompt === undefined) !== (value.messages === undefined);
}
const ONE_INPUT = { message: 'give exactly one of "prompt" or "messages"', path: ['prompt'] };

/** `POST /execute` on a worker (SYS-5.4). */
export const ExecuteRequestSchema = SamplingSchema.extend(InputSchema.shape)
  .extend({ job_id: z.string().min(1).max(128) })
  .refine(exactlyOneInput, ONE_INPUT);

export const CancelRequestSchema = z.object({ job_id: z.string().min(1).max(128) });

/** `POST /v2/tasks` on the daemon (SYS-5.1). */
export const TaskRequestSchema = SamplingSchema.extend(InputSchema.shape)
  .extend({
    model: z.string().min(1),
    priority: z.enum(['interactive', 'batch']).default('interactive'),
    session_id: z.string().max(128).optional(),
  })
  .refine(exactlyOneInput, ONE_INPUT);

/** `GET /v2/tasks?limit=N`: how many recent jobs to list. */
export const TaskListQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(LIMITS.taskList)
    .default(50)
    .meta({ description: `How many tasks to list (1-${LIMITS.taskList}).` }),
});
