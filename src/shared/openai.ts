import { z } from 'zod';
import type { ChatMessage, StopReason } from './inference';
import { DEFAULT_TEMPERATURE, LIMITS } from './limits';

/** The subset of OpenAI's request fields rbees honours; unknown fields are accepted and ignored. */
const Common = {
  model: z.string().min(1),
  max_tokens: z.int().min(1).max(LIMITS.maxTokens).optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  stop: z
    .union([z.string().min(1), z.array(z.string().min(1)).max(LIMITS.stopSequences)])
    .nullish(),
  seed: z.int().min(0).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  n: z.literal(1, { message: 'rbees returns one choice: use n=1' }).nullish(),
};

const TextPart = z.looseObject({ type: z.literal('text'), text: z.string() });

export const ChatCompletionRequestSchema = z.looseObject({
  ...Common,
  max_completion_tokens: z.int().min(1).max(LIMITS.maxTokens).optional(),
  messages: z
    .array(
      z.looseObject({
        role: z.enum(['system', 'developer', 'user', 'assistant']),
        content: z.union([z.string(), z.array(TextPart), z.null()]),
      }),
    )
    .min(1),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequestSchema>;

export const CompletionRequestSchema = z.looseObject({
  ...Common,
  prompt: z.union([z.string().min(1), z.tuple([z.string().min(1)])]),
});
export type CompletionRequest = z.infer<typeof CompletionRequestSchema>;

/** Chat replies default to a long budget (OpenAI's is "up to the context"); completions to 16. */
export const DEFAULT_CHAT_MAX_TOKENS = 1024;
export const DEFAULT_COMPLETION_MAX_TOKENS = 16;

export function chatMessagesFromOpenAi(messages: ChatCompletionRequest['messages']): ChatMessage[] {
  return messages.map((message) => ({
    role: message.role === 'developer' ? 'system' : message.role,
    content:
      typeof message.content === 'string'
        ? message.content
        : (message.content ?? []).map((part) => part.text).join(''),
  }));
}

/** Sampling fields shared by both endpoints, in the task API's terms. */
export function samplingFromOpenAi(request: ChatCompletionRequest | CompletionRequest) {
  const stop = request.stop == null ? undefined : [request.stop].flat();
  return {
    temperature: request.temperature ?? DEFAULT_TEMPERATURE,
    ...(request.top_p !== undefined ? { top_p: request.top_p } : {}),
    ...(stop ? { stop } : {}),
    ...(request.seed != null ? { seed: request.seed } : {}),
  };
}

export type FinishReason = 'stop' | 'length';

export function finishReason(stop: StopReason): FinishReason {
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

/** What `/v1` answers, in OpenAI's shapes (only the fields rbees sends). */

const FinishReasonSchema = z.enum(['stop', 'length']);
const UsageSchema = z.object({
  prompt_tokens: z.int(),
  completion_tokens: z.int(),
  total_tokens: z.int(),
}) satisfies z.ZodType<Usage>;

/** `GET /v1/models`: every model a request may name, once. */
export const OpenAiModelListSchema = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      id: z.string(),
      object: z.literal('model'),
      created: z.int(),
      owned_by: z.string(),
    }),
  ),
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
      message: z.object({ role: z.literal('assistant'), content: z.string() }),
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
