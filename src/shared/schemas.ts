import { z } from 'zod';
import { OutputFormatSchema } from './grammar-schema';
import { DEFAULT_TEMPERATURE, LIMITS } from './limits';
import { ChatMessageSchema, checkTools, ToolFieldsSchema } from './tool-schemas';

export { ChatMessageSchema } from './tool-schemas';

/*
 * The request schemas: the server side validates with them; clients get the types derived from
 * them (inference.ts) without bundling zod.
 */

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
  embed: z
    .array(z.string().min(1))
    .min(1)
    .max(LIMITS.embedInputs)
    .optional()
    .meta({
      description:
        'Texts to embed instead of generating: an `embedding` event per text (unit length), ' +
        'in order; `max_tokens` and sampling are ignored.',
    }),
  count_only: z
    .boolean()
    .optional()
    .meta({
      description:
        'Only count the input: the job ends at once, nothing generated, its `prompt_tokens` the ' +
        "input's tokens in the model's template (whether or not they fit its context).",
    }),
});

function exactlyOneInput(value: { prompt?: string; messages?: unknown[]; embed?: unknown[] }) {
  return [value.prompt, value.messages, value.embed].filter((v) => v !== undefined).length === 1;
}
const ONE_INPUT = {
  message: 'give exactly one of "prompt", "messages" or "embed"',
  path: ['prompt'],
};

/** `POST /execute` on a worker (SYS-5.4). */
export const ExecuteRequestSchema = SamplingSchema.extend(InputSchema.shape)
  .extend(ToolFieldsSchema.shape)
  .extend({ job_id: z.string().min(1).max(128) })
  .refine(exactlyOneInput, ONE_INPUT)
  .check(checkTools);

export const CancelRequestSchema = z.object({ job_id: z.string().min(1).max(128) });

/** `POST /v2/tasks` on the daemon (SYS-5.1). */
export const TaskRequestSchema = SamplingSchema.extend(InputSchema.shape)
  .extend(ToolFieldsSchema.shape)
  .extend({
    model: z.string().min(1),
    priority: z.enum(['interactive', 'batch']).default('interactive'),
    session_id: z.string().max(128).optional(),
  })
  .refine(exactlyOneInput, ONE_INPUT)
  .check(checkTools);

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
