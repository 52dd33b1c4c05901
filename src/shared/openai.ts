import { z } from 'zod';
import type { ChatMessage, ParsedTaskRequest, ToolChoice } from './inference';
import { DEFAULT_TEMPERATURE, LIMITS } from './limits';
import { GrammarSchemaSchema } from './grammar-schema';
import { refused } from './refused';
import {
  checkToolsOf,
  openAiStyleTurn,
  TOOL_LIMITS,
  toolOf,
  ToolSchema,
  type ToolView,
} from './tool-schemas';

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

const Role = z.enum(['system', 'developer', 'user', 'assistant', 'tool'], {
  error: (issue) =>
    issue.input === 'function'
      ? '"function" messages are the deprecated form: answer a tool call with a "tool" message'
      : 'role must be one of system, developer, user, assistant, tool',
});

const FunctionName = ToolSchema.shape.name;

/** OpenAI's `tools` entry: only functions exist. */
const OpenAiTool = z.looseObject({
  type: z.literal('function', { message: 'only "function" tools are supported' }),
  function: z.looseObject({
    name: FunctionName,
    description: z.string().max(TOOL_LIMITS.description).nullish(),
    parameters: GrammarSchemaSchema.nullish(),
    // Always enforced (a grammar), strict or not.
    strict: z.boolean().nullish(),
  }),
});

const OpenAiToolCall = z.looseObject({
  id: z.string().min(1).max(128),
  type: z.literal('function'),
  function: z.looseObject({ name: FunctionName, arguments: z.string() }),
});

const OpenAiToolChoice = z.union([
  z.enum(['auto', 'none', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: FunctionName }) }),
]);

/** A message: `tool_calls` on an assistant's, `tool_call_id` on a tool's (said where missing). */
function roleFields(
  ctx: z.core.ParsePayload<{ role: string; tool_calls?: unknown; tool_call_id?: unknown }>,
) {
  const { role, tool_calls: calls, tool_call_id: id } = ctx.value;
  const issue = (path: string, message: string) =>
    ctx.issues.push({ code: 'custom', input: ctx.value, path: [path], message });
  if (role === 'tool' && typeof id !== 'string')
    issue('tool_call_id', 'a tool message needs the tool_call_id it answers');
  if (role !== 'assistant' && Array.isArray(calls) && calls.length > 0)
    issue('tool_calls', 'only assistant messages carry tool_calls');
}

export const ChatCompletionRequestSchema = z
  .looseObject({
    ...Common,
    max_completion_tokens: z.int().min(1).max(LIMITS.maxTokens).nullish(),
    messages: z
      .array(
        z
          .looseObject({
            role: Role,
            content: z.union([z.string(), z.array(ContentPart), z.null()]),
            tool_calls: z.array(OpenAiToolCall).max(TOOL_LIMITS.callsPerMessage).nullish(),
            tool_call_id: z.string().min(1).max(128).nullish(),
            audio: refused('audio is not supported'),
          })
          .check(textOnly)
          .check(roleFields),
      )
      .min(1),
    tools: z.array(OpenAiTool).max(TOOL_LIMITS.tools).nullish(),
    tool_choice: OpenAiToolChoice.nullish(),
    parallel_tool_calls: z.boolean().nullish(),
    functions: refused(
      '"functions" is the deprecated form of tools: send them as "tools"',
      emptyArray,
    ),
    function_call: refused(
      '"function_call" is the deprecated form: use "tool_choice"',
      (v) => v === 'none',
    ),
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
  })
  .check(
    checkToolsOf((request: ChatCompletionInput): ToolView => ({
      names: (request.tools ?? []).map((tool) => tool.function.name),
      choice: toolChoiceFromOpenAi(request.tool_choice),
      hasFormat: request.response_format != null && request.response_format.type !== 'text',
      hasMessages: true,
      messages: request.messages.map(openAiStyleTurn),
      at: {
        toolName: (i) => ['tools', i, 'function', 'name'],
        format: ['response_format'],
        calls: (i) => ['messages', i, 'tool_calls'],
        answer: (i) => ['messages', i, 'tool_call_id'],
      },
    })),
  );
type ChatCompletionInput = {
  tools?: { function: { name: string } }[] | null;
  tool_choice?: z.infer<typeof OpenAiToolChoice> | null;
  response_format?: { type: string } | null;
  messages: { role: string; tool_call_id?: string | null; tool_calls?: { id: string }[] | null }[];
};
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
  return messages.map((message): ChatMessage => {
    const content =
      typeof message.content === 'string'
        ? message.content
        : (message.content ?? []).map((part) => part.text ?? '').join('');
    switch (message.role) {
      case 'developer':
      case 'system':
        return { role: 'system', content };
      case 'user':
        return { role: 'user', content };
      case 'tool':
        return { role: 'tool', content, tool_call_id: message.tool_call_id ?? '' };
      case 'assistant': {
        const calls = (message.tool_calls ?? []).map((call) => ({
          id: call.id,
          name: call.function.name,
          arguments: call.function.arguments,
        }));
        return { role: 'assistant', content, ...(calls.length > 0 ? { tool_calls: calls } : {}) };
      }
    }
  });
}

function toolChoiceFromOpenAi(
  choice: z.infer<typeof OpenAiToolChoice> | null | undefined,
): ToolChoice | undefined {
  if (choice == null) return undefined;
  return typeof choice === 'string' ? choice : { name: choice.function.name };
}

/** The task's tool fields for a chat request's `tools`, `tool_choice` and `parallel_tool_calls`. */
export function toolsFromOpenAi(
  request: ChatCompletionRequest,
): Pick<ParsedTaskRequest, 'tools' | 'tool_choice' | 'parallel_tool_calls'> {
  const tools = (request.tools ?? []).map((tool) => toolOf(tool.function));
  const choice = toolChoiceFromOpenAi(request.tool_choice);
  return {
    ...(tools.length > 0 ? { tools } : {}),
    ...(choice !== undefined ? { tool_choice: choice } : {}),
    ...(request.parallel_tool_calls != null
      ? { parallel_tool_calls: request.parallel_tool_calls }
      : {}),
  };
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
