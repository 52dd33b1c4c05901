import { z } from 'zod';
import { GrammarSchemaSchema } from './grammar-schema';
import type { ChatMessage, ParsedTaskRequest, ToolChoice } from './inference';
import { LIMITS } from './limits';
import { refused } from './refused';
import { checkToolsOf, TOOL_LIMITS, ToolSchema, type ToolTurn } from './tool-schemas';

/**
 * Anthropic's Messages API request (`POST /v1/messages`, what Claude Code and the official SDK
 * send), mapped to a task. Content blocks rbees cannot read (images, documents) and server tools
 * are refused by name; `cache_control` and `metadata` ask nothing of a local server and are
 * ignored, as are `thinking` blocks sent back in the history (no template here reads them).
 */

const TextBlock = z.looseObject({ type: z.literal('text'), text: z.string() });
const ToolUseBlock = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string().min(1).max(128),
  name: ToolSchema.shape.name,
  input: z.record(z.string(), z.unknown()),
});
const ToolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1).max(128),
  content: z
    .union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() }))])
    .optional(),
  is_error: z.boolean().optional(),
});
const ThinkingBlock = z.looseObject({ type: z.enum(['thinking', 'redacted_thinking']) });

const Block = z.discriminatedUnion(
  'type',
  [TextBlock, ToolUseBlock, ToolResultBlock, ThinkingBlock],
  {
    error: (issue) =>
      `content blocks of type ${JSON.stringify((issue.input as { type?: unknown })?.type)} are not supported: rbees' models read text (send text, tool_use and tool_result blocks)`,
  },
);
type Block = z.infer<typeof Block>;

/**
 * Blocks are parsed one by one, not in the content's union: zod would hide an unsupported
 * block's issue behind the union's "Invalid input"; this way the refusal names the block.
 */
const Message = z
  .looseObject({
    role: z.enum(['user', 'assistant']),
    content: z.union([z.string(), z.array(z.unknown())]),
  })
  .transform((message, ctx) => {
    if (typeof message.content === 'string') return { ...message, content: message.content };
    const content = message.content.map((block, i) => {
      const parsed = Block.safeParse(block);
      for (const issue of parsed.error?.issues ?? []) {
        const path = ['content', i, ...issue.path];
        ctx.issues.push({ code: 'custom', input: block, path, message: issue.message });
      }
      return parsed.data as Block;
    });
    return { ...message, content };
  });

const AnthropicTool = z.looseObject({
  name: ToolSchema.shape.name,
  description: z.string().max(TOOL_LIMITS.description).optional(),
  input_schema: GrammarSchemaSchema,
  type: z
    .literal('custom', {
      message: 'server tools (web search, code execution, …) are not supported: send custom tools',
    })
    .optional(),
});

const AnthropicToolChoice = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({
    type: z.literal('tool'),
    name: ToolSchema.shape.name,
    disable_parallel_tool_use: z.boolean().optional(),
  }),
  z.looseObject({ type: z.literal('none') }),
]);

const MessagesFields = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.int().min(1).max(LIMITS.maxTokens),
  system: z.union([z.string(), z.array(TextBlock)]).optional(),
  messages: z.array(Message).min(1),
  stop_sequences: z.array(z.string().min(1)).max(LIMITS.stopSequences).optional(),
  // Anthropic's range is 0-1; llama.cpp's sampler reads the same scale.
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  top_k: z.int().min(0).optional(),
  stream: z.boolean().optional(),
  tools: z.array(AnthropicTool).max(TOOL_LIMITS.tools).optional(),
  tool_choice: AnthropicToolChoice.optional(),
  thinking: refused(
    'extended thinking is not supported yet: leave thinking out',
    (t) => (t as { type?: unknown }).type === 'disabled',
  ),
});

const checkMessageTools = checkToolsOf((request: MessagesInput) => ({
  names: (request.tools ?? []).map((tool) => tool.name),
  choice: toolChoiceFromAnthropic(request.tool_choice),
  hasFormat: false,
  hasMessages: true,
  messages: request.messages.map(turnOf),
  at: {
    toolName: (i) => ['tools', i, 'name'],
    format: [],
    calls: (i) => ['messages', i, 'content'],
    answer: (i, j) => ['messages', i, 'content', resultIndexes(request.messages[i])[j] ?? 0],
  },
}));

export const MessagesRequestSchema = MessagesFields.check(checkMessageTools);

/** `POST /v1/messages/count_tokens`: a message request, its `max_tokens` not needed. */
export const CountTokensRequestSchema = MessagesFields.extend({
  max_tokens: MessagesFields.shape.max_tokens.optional(),
}).check(checkMessageTools);

export type MessagesRequest = z.infer<typeof MessagesRequestSchema>;
type MessagesInput = {
  tools?: { name: string }[] | undefined;
  tool_choice?: z.infer<typeof AnthropicToolChoice> | undefined;
  messages: { role: string; content: string | Block[] }[];
};

const blocks = (message: { content: string | Block[] } | undefined): Block[] =>
  typeof message?.content === 'string' ? [] : (message?.content ?? []);

function resultIndexes(message: { content: string | Block[] } | undefined): number[] {
  return blocks(message).flatMap((block, i) => (block.type === 'tool_result' ? [i] : []));
}

/** A user message answers with its tool_result blocks; an assistant's tool_use blocks call. */
function turnOf(message: { role: string; content: string | Block[] }): ToolTurn {
  const content = blocks(message);
  return {
    calls: content.flatMap((b) => (b.type === 'tool_use' ? [b.id] : [])),
    answers: content.flatMap((b) => (b.type === 'tool_result' ? [b.tool_use_id] : [])),
    onlyAnswers: false,
  };
}

function toolChoiceFromAnthropic(
  choice: z.infer<typeof AnthropicToolChoice> | undefined,
): ToolChoice | undefined {
  if (choice === undefined) return undefined;
  switch (choice.type) {
    case 'any':
      return 'required';
    case 'tool':
      return { name: choice.name };
    case 'auto':
    case 'none':
      return choice.type;
  }
}

/** A tool result's text; an error is said as one, for the model to read. */
function resultText(block: z.infer<typeof ToolResultBlock>): string {
  const text =
    typeof block.content === 'string'
      ? block.content
      : (block.content ?? []).map((part) => part.text ?? '').join('');
  return block.is_error ? `Error: ${text}` : text;
}

const textOf = (content: Block[]) => content.map((b) => (b.type === 'text' ? b.text : '')).join('');

/** Anthropic's turns as the task's: tool results first (they answer the turn before), then text. */
export function messagesFromAnthropic(request: MessagesRequest): ChatMessage[] {
  const out: ChatMessage[] = [];
  const system = typeof request.system === 'string' ? request.system : textOf(request.system ?? []);
  if (system !== '') out.push({ role: 'system', content: system });
  for (const message of request.messages) {
    const content =
      typeof message.content === 'string'
        ? [{ type: 'text' as const, text: message.content }]
        : message.content;
    if (message.role === 'assistant') {
      const calls = content.flatMap((b) =>
        b.type === 'tool_use'
          ? [{ id: b.id, name: b.name, arguments: JSON.stringify(b.input) }]
          : [],
      );
      out.push({
        role: 'assistant',
        content: textOf(content),
        ...(calls.length > 0 ? { tool_calls: calls } : {}),
      });
      continue;
    }
    for (const block of content) {
      if (block.type === 'tool_result') {
        out.push({ role: 'tool', tool_call_id: block.tool_use_id, content: resultText(block) });
      }
    }
    const text = textOf(content);
    if (text !== '' || !content.some((b) => b.type === 'tool_result')) {
      out.push({ role: 'user', content: text });
    }
  }
  return out;
}

/** The task for a Messages request. */
export function taskFromAnthropic(request: MessagesRequest): ParsedTaskRequest {
  const tools = (request.tools ?? []).map((tool) => ({
    name: tool.name,
    ...(tool.description !== undefined ? { description: tool.description } : {}),
    parameters: tool.input_schema,
  }));
  const choice = toolChoiceFromAnthropic(request.tool_choice);
  const choiceFields = request.tool_choice as { disable_parallel_tool_use?: boolean } | undefined;
  const given = {
    top_p: request.top_p,
    top_k: request.top_k,
    stop: request.stop_sequences,
  };
  return {
    model: request.model,
    messages: messagesFromAnthropic(request),
    max_tokens: request.max_tokens,
    temperature: request.temperature ?? 1,
    priority: 'interactive',
    ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
    ...(tools.length > 0 ? { tools } : {}),
    ...(choice !== undefined ? { tool_choice: choice } : {}),
    ...(choiceFields?.disable_parallel_tool_use === true ? { parallel_tool_calls: false } : {}),
  };
}
