import type {
  ChatHistoryItem,
  ChatModelFunctionCall,
  ChatModelFunctions,
  ChatModelResponse,
} from 'node-llama-cpp';
import type { ChatMessage, ExecuteRequest, Tool } from '../../shared/inference';
import { gbnfSchema, type JsonSchema } from '../../shared/json-schema';

/**
 * How a request's tools are offered. `auto`: as node-llama-cpp's functions, which the chat
 * wrapper documents and watches for in the template's own call syntax. `required` or a named
 * tool: a grammar that admits only a call, as JSON `{"name", "arguments"}` (llama-server's
 * generic form: no template has a syntax node-llama-cpp can force), with the tools described in a
 * system message. `none` or no tools: plain text.
 */
export type ToolPlan =
  | { kind: 'none' }
  | { kind: 'auto'; functions: ChatModelFunctions; maxParallel: number | undefined }
  | { kind: 'forced'; schema: JsonSchema; note: string };

export function planTools(
  req: Pick<ExecuteRequest, 'tools' | 'tool_choice' | 'parallel_tool_calls'>,
): ToolPlan {
  const tools = req.tools ?? [];
  const choice = req.tool_choice ?? 'auto';
  if (tools.length === 0 || choice === 'none') return { kind: 'none' };
  if (choice === 'auto') {
    return {
      kind: 'auto',
      functions: Object.fromEntries(tools.map((tool) => [tool.name, asFunction(tool)])),
      maxParallel: req.parallel_tool_calls === false ? 1 : undefined,
    };
  }
  const offered = choice === 'required' ? tools : tools.filter((t) => t.name === choice.name);
  return { kind: 'forced', schema: callSchema(offered), note: describeTools(offered) };
}

function asFunction(tool: Tool): ChatModelFunctions[string] {
  return {
    ...(tool.description !== undefined ? { description: tool.description } : {}),
    // Normalised when the request was parsed; node-llama-cpp's type for it is narrower than JSON.
    ...(tool.parameters !== undefined
      ? { params: gbnfSchema(tool.parameters) as ChatModelFunctions[string]['params'] }
      : {}),
  };
}

/** One call of one of `tools`, as JSON: the name a constant, the arguments its schema. */
function callSchema(tools: readonly Tool[]): JsonSchema {
  const $defs: JsonSchema = {};
  const alternatives = tools.map((tool, i) => {
    const { $defs: own, ...parameters } = tool.parameters ?? { type: 'object' };
    // Each tool's definitions move to the root, where `#/$defs/…` points, under their own names.
    for (const [name, def] of Object.entries((own ?? {}) as JsonSchema)) {
      $defs[`t${i}_${name}`] = renameRefs(def, i);
    }
    return {
      type: 'object',
      properties: { name: { const: tool.name }, arguments: renameRefs(parameters, i) },
      required: ['name', 'arguments'],
      additionalProperties: false,
    };
  });
  const call = alternatives.length === 1 ? alternatives[0]! : { anyOf: alternatives };
  return Object.keys($defs).length > 0 ? { ...call, $defs } : call;
}

function renameRefs(schema: unknown, tool: number): unknown {
  if (Array.isArray(schema)) return schema.map((item) => renameRefs(item, tool));
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string'
        ? value.replace('#/$defs/', `#/$defs/t${tool}_`)
        : renameRefs(value, tool),
    ]),
  );
}

function describeTools(tools: readonly Tool[]): string {
  const lines = tools.map((tool) => {
    const about = tool.description !== undefined ? `: ${tool.description}` : '';
    return `- ${tool.name}${about}\n  arguments (JSON Schema): ${JSON.stringify(tool.parameters ?? {})}`;
  });
  return (
    'Answer by calling one of these functions, as JSON {"name": ..., "arguments": {...}}:\n' +
    lines.join('\n')
  );
}

/** The call a forced reply made, or undefined if it was cut short (by its budget or a stop). */
export function parseForcedCall(text: string): { name: string; arguments: string } | undefined {
  try {
    const call = JSON.parse(text) as { name: string; arguments: unknown };
    return { name: call.name, arguments: JSON.stringify(call.arguments) };
  } catch {
    return undefined;
  }
}

/**
 * OpenAI-style roles to node-llama-cpp's history; a last assistant message is continued. An
 * assistant's tool calls get their results from the tool messages after them (checked to be
 * there: src/shared/tool-schemas.ts), and the model's turn goes on after them in the same item,
 * as node-llama-cpp keeps a turn: the template renders both in its own call syntax.
 */
export function toChatHistory(
  messages: readonly ChatMessage[],
  plan: ToolPlan = { kind: 'none' },
): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  if (plan.kind === 'forced') history.push({ type: 'system', text: plan.note });
  const calls = new Map<string, ChatModelFunctionCall>();
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        history.push({ type: 'system', text: message.content });
        break;
      case 'user':
        history.push({ type: 'user', text: message.content });
        break;
      case 'assistant': {
        const last = history.at(-1);
        const turn: ChatModelResponse =
          last?.type === 'model' && endsWithCall(last) ? last : { type: 'model', response: [] };
        if (turn !== last) history.push(turn);
        if (message.content !== '') turn.response.push(message.content);
        (message.tool_calls ?? []).forEach((call, i) => {
          const item: ChatModelFunctionCall = {
            type: 'functionCall',
            name: call.name,
            params: jsonOr(call.arguments),
            result: undefined,
            startsNewChunk: i === 0,
          };
          turn.response.push(item);
          calls.set(call.id, item);
        });
        break;
      }
      case 'tool': {
        const call = calls.get(message.tool_call_id);
        if (call) call.result = jsonOr(message.content);
        break;
      }
    }
  }
  if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}

function endsWithCall(turn: ChatModelResponse): boolean {
  const item = turn.response.at(-1);
  return typeof item === 'object' && item.type === 'functionCall';
}

/** JSON text as its value (node-llama-cpp writes it back as JSON); other text as the string. */
function jsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
