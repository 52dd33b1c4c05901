import { z } from 'zod';
import { DIMENSIONS } from './embeddings';
import { GrammarSchemaSchema } from './grammar-schema';
import type { ChatMessage, ParsedTaskRequest, ToolChoice } from './inference';
import { DEFAULT_TEMPERATURE, LIMITS } from './limits';
import { refused } from './refused';
import { checkToolsOf, TOOL_LIMITS, toolOf, ToolSchema, type ToolTurn } from './tool-schemas';

/**
 * Ollama's API (`/api/chat`, `/api/generate`), for the apps that speak only it, mapped to tasks.
 * Options that tune Ollama's own runtime (`num_ctx`, `num_gpu`, `num_thread`, `keep_alive`, …) are
 * accepted and change nothing: a worker's context and placement are set when it starts. Images
 * and thinking are refused by name.
 */

const penalty = z.number().min(LIMITS.penalty.min).max(LIMITS.penalty.max).optional();

/** The sampling options rbees honours; -1 / -2 for num_predict are Ollama's "no limit". */
const Options = z.looseObject({
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  top_k: z.int().min(0).optional(),
  min_p: z.number().min(0).max(1).optional(),
  num_predict: z.int().min(-2).max(LIMITS.maxTokens).optional(),
  stop: z.array(z.string().min(1)).max(LIMITS.stopSequences).optional(),
  seed: z.int().optional(),
  repeat_penalty: z.number().gt(0).max(2).optional(),
  presence_penalty: penalty,
  frequency_penalty: penalty,
});

const Format = z.union([z.literal('json'), z.literal(''), GrammarSchemaSchema]);

const noImages = z
  .array(z.string())
  .max(0, { message: "images are not supported: rbees' models read text only" })
  .nullish();
const noThinking = refused(
  'thinking is not supported yet: leave think out or set it to false',
  (v) => v === false,
);

const Common = {
  model: z.string().min(1),
  format: Format.optional(),
  options: Options.optional(),
  /** Ollama's default is to stream. */
  stream: z.boolean().optional(),
  think: noThinking,
  keep_alive: z.union([z.string(), z.number()]).optional(),
};

const OllamaToolCall = z.looseObject({
  function: z.looseObject({
    name: ToolSchema.shape.name,
    arguments: z.record(z.string(), z.unknown()),
  }),
});

const OllamaMessage = z.looseObject({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string(),
  images: noImages,
  tool_calls: z.array(OllamaToolCall).max(TOOL_LIMITS.callsPerMessage).optional(),
  /** Which tool a result is from: Ollama's results carry no call id, only this (or nothing). */
  tool_name: z.string().optional(),
  thinking: z.string().optional(),
});
type OllamaMessage = z.infer<typeof OllamaMessage>;

const OllamaTool = z.looseObject({
  type: z.literal('function', { message: 'only "function" tools are supported' }),
  function: z.looseObject({
    name: ToolSchema.shape.name,
    description: z.string().max(TOOL_LIMITS.description).optional(),
    parameters: GrammarSchemaSchema.optional(),
  }),
});

export const OllamaChatRequestSchema = z
  .looseObject({
    ...Common,
    messages: z.array(OllamaMessage).min(1),
    tools: z.array(OllamaTool).max(TOOL_LIMITS.tools).optional(),
  })
  .check(
    checkToolsOf((request: { messages: OllamaMessage[]; tools?: unknown[]; format?: unknown }) => ({
      names: (request.tools ?? []).map((t) => (t as { function: { name: string } }).function.name),
      choice: undefined,
      hasFormat: request.format !== undefined && request.format !== '',
      hasMessages: true,
      messages: withCallIds(request.messages).map(turnOf),
      at: {
        toolName: (i) => ['tools', i, 'function', 'name'],
        format: ['format'],
        calls: (i) => ['messages', i, 'tool_calls'],
        answer: (i) => ['messages', i],
      },
    })),
  );
export type OllamaChatRequest = z.infer<typeof OllamaChatRequestSchema>;

export const OllamaGenerateRequestSchema = z.looseObject({
  ...Common,
  /** Empty or left out: Ollama loads the model and answers at once; so does rbees. */
  prompt: z.string().optional(),
  system: z.string().optional(),
  /** The prompt as it is, without the model's chat template. */
  raw: z.boolean().optional(),
  images: noImages,
  suffix: z
    .string()
    .max(0, { message: 'suffix (fill in the middle) is not supported: leave it out' })
    .optional(),
});
export type OllamaGenerateRequest = z.infer<typeof OllamaGenerateRequestSchema>;

/** `POST /api/embed`. Ollama cuts a text past the context by default; rbees refuses it, naming it. */
export const OllamaEmbedRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(LIMITS.embedInputs)]),
  truncate: z.boolean().optional(),
  options: Options.optional(),
  keep_alive: z.union([z.string(), z.number()]).optional(),
  dimensions: refused(DIMENSIONS),
});

export const OllamaShowRequestSchema = z.looseObject({
  model: z.string().min(1).optional(),
  /** The older name of `model`. */
  name: z.string().min(1).optional(),
});

/** Ollama names carry a tag; rbees' models have none, and `:latest` is what a bare name means. */
export function modelFromOllama(name: string): string {
  return name.replace(/:latest$/, '');
}

type WithIds = OllamaMessage & { call_ids: string[]; answers?: string };

/**
 * Ollama's tool results say which call they answer only by order (or `tool_name`): each call of
 * an assistant message gets an id, and each tool message after it the first unanswered call
 * with its tool's name (any, without one). A result that finds none answers "" (refused).
 */
function withCallIds(messages: readonly OllamaMessage[]): WithIds[] {
  let open: { id: string; name: string }[] = [];
  return messages.map((message, i) => {
    if (message.role === 'tool') {
      const at = open.findIndex(
        (c) => message.tool_name === undefined || c.name === message.tool_name,
      );
      const answers = at === -1 ? '' : (open.splice(at, 1)[0]?.id ?? '');
      return { ...message, call_ids: [], answers };
    }
    const calls = (message.tool_calls ?? []).map((c, j) => ({
      id: `call_${i}_${j}`,
      name: c.function.name,
    }));
    open = calls;
    return { ...message, call_ids: calls.map((c) => c.id) };
  });
}

function turnOf(message: WithIds): ToolTurn {
  const tool = message.answers !== undefined;
  return {
    calls: message.call_ids,
    answers: tool ? [message.answers ?? ''] : [],
    onlyAnswers: tool,
  };
}

function messagesFromOllama(messages: readonly OllamaMessage[]): ChatMessage[] {
  return withCallIds(messages).map((m): ChatMessage => {
    switch (m.role) {
      case 'tool':
        return { role: 'tool', tool_call_id: m.answers ?? '', content: m.content };
      case 'assistant': {
        const calls = (m.tool_calls ?? []).map((c, j) => ({
          id: m.call_ids[j] ?? '',
          name: c.function.name,
          arguments: JSON.stringify(c.function.arguments),
        }));
        return {
          role: 'assistant',
          content: m.content,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        };
      }
      case 'system':
      case 'user':
        return { role: m.role, content: m.content };
    }
  });
}

/** Sampling and format, shared by both routes. */
function common(request: { model: string; options?: z.infer<typeof Options>; format?: unknown }) {
  const o = request.options ?? {};
  const given = {
    top_p: o.top_p,
    top_k: o.top_k,
    min_p: o.min_p,
    stop: o.stop,
    seed: o.seed !== undefined && o.seed >= 0 ? o.seed : undefined,
    repetition_penalty: o.repeat_penalty,
    presence_penalty: o.presence_penalty,
    frequency_penalty: o.frequency_penalty,
  };
  const format = request.format;
  return {
    model: modelFromOllama(request.model),
    temperature: o.temperature ?? DEFAULT_TEMPERATURE,
    // Past the context's room a reply ends as `length`: "no limit" is the room.
    max_tokens:
      o.num_predict === undefined || o.num_predict < 0 ? LIMITS.maxTokens : o.num_predict || 1,
    priority: 'interactive' as const,
    ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
    ...(format === 'json'
      ? { format: { type: 'json' as const } }
      : typeof format === 'object' && format !== null
        ? { format: { type: 'json_schema' as const, schema: format as Record<string, unknown> } }
        : {}),
  };
}

export function taskFromOllamaChat(request: OllamaChatRequest): ParsedTaskRequest {
  const tools = (request.tools ?? []).map((tool) => toolOf(tool.function));
  const choice: ToolChoice | undefined = tools.length > 0 ? 'auto' : undefined;
  return {
    ...common(request),
    messages: messagesFromOllama(request.messages),
    ...(tools.length > 0 ? { tools, tool_choice: choice } : {}),
  };
}

export function taskFromOllamaGenerate(request: OllamaGenerateRequest): ParsedTaskRequest {
  const prompt = request.prompt ?? '';
  if (request.raw === true) return { ...common(request), prompt };
  const messages: ChatMessage[] = [
    ...(request.system ? [{ role: 'system' as const, content: request.system }] : []),
    { role: 'user', content: prompt },
  ];
  return { ...common(request), messages };
}
