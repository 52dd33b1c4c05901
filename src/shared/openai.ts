import { z } from 'zod';
import type { ChatMessage, ParsedTaskRequest, StopReason } from './inference';
import { DEFAULT_TEMPERATURE, LIMITS } from './limits';
import { GrammarSchemaSchema } from './schemas';

/**
 * A field OpenAI defines that rbees does not honour: accepted only when it asks for nothing (
 * absent, null, or its "off" value), else refused by name with why, never silently dropped.
 */
function refused(why: string, off: (value: unknown) => boolean = () => false) {
  return z
    .unknown()
    .refine((value) => value === undefined || value === null || off(value), { message: why })
    .optional()
    .meta({ description: `Not supported: ${why}` });
}

const emptyArray = (value: unknown) => Array.isArray(value) && value.length === 0;
const penalty = z.number().min(LIMITS.penalty.min).max(LIMITS.penalty.max).nullish();

/**
 * OpenAI's request fields rbees honours, the llama-server sampling extensions (`top_k`, `min_p`,
 * `repeat_penalty`), and the fields it refuses by name; other unknown fields are ignored.
 */
const Common = {
  model: z.string().min(1),
  max_tokens: z.int().min(1).max(LIMITS.maxTokens).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  top_k: z.int().min(0).nullish(),
  min_p: z.number().min(0).max(1).nullish(),
  repeat_penalty: z.number().gt(0).max(2).nullish(),
  presence_penalty: penalty,
  frequency_penalty: penalty,
  stop: z
    .union([z.string().min(1), z.array(z.string().min(1)).max(LIMITS.stopSequences)])
    .nullish(),
  seed: z.int().min(0).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  /** OpenAI's end-user id for its abuse monitoring: accepted; rbees monitors nobody, so it changes nothing. */
  user: z.string().max(256).nullish(),
  n: z.literal(1, { message: 'rbees returns one choice: use n=1' }).nullish(),
  logit_bias: refused('logit_bias is not supported: leave it out', (v) => {
    return typeof v === 'object' && v !== null && Object.keys(v).length === 0;
  }),
};

/** A content part as parsed; parts other than text are refused by `textOnly` below. */
const ContentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

/**
 * Text parts only (no model served here reads images, audio or files yet). Checked on the message
 * rather than in the content's union, so that the refusal names the part, not the union.
 */
function textOnly(
  ctx: z.core.ParsePayload<{ content: string | null | { type: string; text?: string }[] }>,
) {
  const { content } = ctx.value;
  if (!Array.isArray(content)) return;
  content.forEach((part, i) => {
    if (part.type === 'text' && typeof part.text === 'string') return;
    ctx.issues.push({
      code: 'custom',
      input: part,
      path: ['content', i, part.type === 'text' ? 'text' : 'type'],
      message:
        part.type === 'text'
          ? 'a text part needs its "text"'
          : `"${part.type}" parts are not supported: rbees' models read text only; send text parts`,
    });
  });
}

const Role = z.enum(['system', 'developer', 'user', 'assistant'], {
  error: (issue) =>
    issue.input === 'tool' || issue.input === 'function'
      ? `"${String(issue.input)}" messages answer tool calls, which rbees does not run yet`
      : 'role must be one of system, developer, user, assistant',
});

export const ChatCompletionRequestSchema = z.looseObject({
  ...Common,
  max_completion_tokens: z.int().min(1).max(LIMITS.maxTokens).nullish(),
  messages: z
    .array(
      z
        .looseObject({
          role: Role,
          content: z.union([z.string(), z.array(ContentPart), z.null()]),
          tool_calls: refused(
            'assistant tool calls need tools, which rbees does not run yet',
            emptyArray,
          ),
          audio: refused('audio is not supported'),
        })
        .check(textOnly),
    )
    .min(1),
  tools: refused('rbees does not run tools yet: leave tools out', emptyArray),
  tool_choice: refused('rbees does not run tools yet: leave tool_choice out', (v) => v === 'none'),
  functions: refused('rbees does not run functions yet: leave functions out', emptyArray),
  function_call: refused('rbees does not run functions yet', (v) => v === 'none'),
  response_format: z
    .discriminatedUnion('type', [
      z.looseObject({ type: z.literal('text') }),
      z.looseObject({ type: z.literal('json_object') }),
      z.looseObject({
        type: z.literal('json_schema'),
        json_schema: z.looseObject({
          name: z.string().min(1).max(64),
          description: z.string().optional(),
          schema: GrammarSchemaSchema.optional(),
          // Always enforced (a grammar), strict or not.
          strict: z.boolean().nullish(),
        }),
      }),
    ])
    .nullish(),
  logprobs: refused('logprobs are not supported: set logprobs to false', (v) => v === false),
  top_logprobs: refused('logprobs are not supported: leave top_logprobs out', (v) => v === 0),
  audio: refused('audio output is not supported: rbees answers in text'),
  modalities: refused('only the "text" modality is supported', (v) => {
    return Array.isArray(v) && v.every((m) => m === 'text');
  }),
  prediction: refused('predicted outputs are not supported: leave prediction out'),
  web_search_options: refused('web search is not supported: leave web_search_options out'),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequestSchema>;

export const CompletionRequestSchema = z.looseObject({
  ...Common,
  prompt: z.union([z.string().min(1), z.tuple([z.string().min(1)])]),
  echo: refused('echo is not supported: set it to false', (v) => v === false),
  best_of: refused('best_of is not supported: rbees makes one completion', (v) => v === 1),
  suffix: refused('suffix (fill in the middle) is not supported: leave it out'),
  logprobs: refused('logprobs are not supported: leave logprobs out', (v) => v === 0),
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
        : (message.content ?? []).map((part) => part.text ?? '').join(''),
  }));
}

/** The task's `format` for a chat request's `response_format` (none for text). */
export function formatFromOpenAi(request: ChatCompletionRequest): ParsedTaskRequest['format'] {
  const format = request.response_format;
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object' || format.json_schema.schema === undefined)
    return { type: 'json' };
  return { type: 'json_schema', schema: format.json_schema.schema };
}

/** Sampling fields shared by both endpoints, in the task API's terms (null is "not given"). */
export function samplingFromOpenAi(request: ChatCompletionRequest | CompletionRequest) {
  const stop = request.stop == null ? undefined : [request.stop].flat();
  const given = {
    top_p: request.top_p,
    top_k: request.top_k,
    min_p: request.min_p,
    repetition_penalty: request.repeat_penalty,
    presence_penalty: request.presence_penalty,
    frequency_penalty: request.frequency_penalty,
    seed: request.seed,
    stop,
  };
  return {
    temperature: request.temperature ?? DEFAULT_TEMPERATURE,
    ...Object.fromEntries(Object.entries(given).filter(([, value]) => value != null)),
  } as { temperature: number } & { [K in keyof typeof given]?: NonNullable<(typeof given)[K]> };
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
