import { z } from 'zod';
import { LIMITS } from './limits';
import { refused } from './refused';

export const DIMENSIONS =
  "dimensions is not supported: the model's own size is what it gives; leave it out";

/** `POST /v1/embeddings` (OpenAI's shape) and what it answers. */

const Texts = z.union(
  [z.string().min(1), z.array(z.string().min(1)).min(1).max(LIMITS.embedInputs)],
  {
    error: (issue) =>
      Array.isArray(issue.input) && issue.input.some((item) => typeof item !== 'string')
        ? 'token arrays are not supported: send the text'
        : `input is a text or a list of 1-${LIMITS.embedInputs} texts`,
  },
);

export const EmbeddingsRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: Texts,
  /** openai-node asks for base64 unless told otherwise, and decodes it. */
  encoding_format: z.enum(['float', 'base64']).nullish(),
  dimensions: refused(DIMENSIONS),
  user: z.string().max(256).nullish(),
});
export type EmbeddingsRequest = z.infer<typeof EmbeddingsRequestSchema>;

export const EmbeddingsSchema = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      object: z.literal('embedding'),
      index: z.int(),
      embedding: z.union([z.array(z.number()), z.string()]).meta({
        description: 'Unit length; base64 of little-endian float32 with encoding_format base64.',
      }),
    }),
  ),
  model: z.string(),
  usage: z.object({ prompt_tokens: z.int(), total_tokens: z.int() }),
});
