import { z } from 'zod';
import type { StopReason } from './inference';

/** What `/v1` answers, in OpenAI's shapes (only the fields rbees sends). */

export type FinishReason = 'stop' | 'length' | 'tool_calls';

export function finishReason(stop: StopReason): FinishReason {
  if (stop === 'tool_calls') return 'tool_calls';
  return stop === 'max_tokens' ? 'length' : 'stop';
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export function usage(promptTokens: number, completionTokens: number): Usage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

const FinishReasonSchema = z.enum(['stop', 'length', 'tool_calls']);
const UsageSchema = z.object({
  prompt_tokens: z.int(),
  completion_tokens: z.int(),
  total_tokens: z.int(),
}) satisfies z.ZodType<Usage>;

/** `GET /v1/models/{id}`: a model, with rbees' `context_length` and `hosts` beside OpenAI's. */
export const OpenAiModelSchema = z.object({
  id: z.string(),
  object: z.literal('model'),
  created: z.int(),
  owned_by: z.string(),
  context_length: z
    .int()
    .nullable()
    .meta({
      description:
        'Tokens a request can use: what a worker serving it has now, else at most what one ' +
        "started for it would get; null when not known yet (a pool host's file nobody serves).",
    }),
  hosts: z.array(z.string()).meta({ description: 'Where its file is or a worker serves it.' }),
});

/** `GET /v1/models`: every model a request may name, once. */
export const OpenAiModelListSchema = z.object({
  object: z.literal('list'),
  data: z.array(OpenAiModelSchema),
});

/** A call the model made; `arguments` is JSON text. */
export const OpenAiToolCallSchema = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

/** `POST /v1/chat/completions` without `stream`. */
export const ChatCompletionSchema = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.int(),
      message: z.object({
        role: z.literal('assistant'),
        /** null when the reply is only tool calls, as OpenAI sends it. */
        content: z.string().nullable(),
        tool_calls: z.array(OpenAiToolCallSchema).optional(),
      }),
      finish_reason: FinishReasonSchema,
      logprobs: z.null(),
    }),
  ),
  usage: UsageSchema,
});

/** `POST /v1/completions` without `stream`. */
export const TextCompletionSchema = z.object({
  id: z.string(),
  object: z.literal('text_completion'),
  created: z.int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.int(),
      text: z.string(),
      finish_reason: FinishReasonSchema,
      logprobs: z.null(),
    }),
  ),
  usage: UsageSchema,
});
