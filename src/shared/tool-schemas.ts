import { z } from 'zod';
import { GrammarSchemaSchema } from './grammar-schema';

/**
 * Tools (function calling) in the task API's terms, which every entry point maps to: OpenAI's
 * `tools` / `tool_calls` / `role: "tool"`, Anthropic's `tool_use` / `tool_result`, Ollama's.
 */

/** OpenAI's rule for a function's name; every template's call syntax can spell it. */
const ToolName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a tool name is 1-64 letters, digits, "_" or "-"');
const CallId = z.string().min(1).max(128);

export const TOOL_LIMITS = { tools: 128, callsPerMessage: 128, description: 8192 } as const;

/** A function the model may call, with its arguments' JSON Schema. */
export const ToolSchema = z.object({
  name: ToolName,
  description: z.string().max(TOOL_LIMITS.description).optional(),
  parameters: GrammarSchemaSchema.optional(),
});

/** A call the model made: `arguments` is JSON text, as OpenAI's clients send it back. */
export const ToolCallSchema = z.object({
  id: CallId,
  name: ToolName,
  arguments: z.string(),
});

/**
 * `auto`: the model decides (its template's call syntax is watched for); `none`: it answers in
 * text; `required`: it calls one of the tools; `{ name }`: it calls that one. The last two are
 * enforced by a grammar.
 */
export const ToolChoiceSchema = z.union([
  z.enum(['auto', 'none', 'required']),
  z.object({ name: ToolName }),
]);

export const ChatMessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: z.string() }),
  z.object({ role: z.literal('user'), content: z.string() }),
  z.object({
    role: z.literal('assistant'),
    content: z.string(),
    tool_calls: z.array(ToolCallSchema).max(TOOL_LIMITS.callsPerMessage).optional(),
  }),
  /** A tool's result, answering the call of the assistant message before it with that id. */
  z.object({ role: z.literal('tool'), content: z.string(), tool_call_id: CallId }),
]);

export const ToolFieldsSchema = z.object({
  tools: z.array(ToolSchema).max(TOOL_LIMITS.tools).optional(),
  tool_choice: ToolChoiceSchema.optional(),
  /** false: at most one call per reply. */
  parallel_tool_calls: z.boolean().optional(),
});

/** A function as OpenAI's and Ollama's tools describe it, as a task's tool. */
export function toolOf(f: {
  name: string;
  description?: string | null | undefined;
  parameters?: Record<string, unknown> | null | undefined;
}): z.infer<typeof ToolSchema> {
  return {
    name: f.name,
    ...(f.description != null ? { description: f.description } : {}),
    ...(f.parameters != null ? { parameters: f.parameters } : {}),
  };
}

type Path = (string | number)[];
export type ToolIssue = { path: Path; message: string };

/** A request's tool fields as `toolIssues` reads them, with where each is in that request. */
export interface ToolView {
  names: readonly string[];
  choice: z.infer<typeof ToolChoiceSchema> | undefined;
  hasFormat: boolean;
  hasMessages: boolean;
  messages: readonly ToolTurn[];
  at: {
    toolName: (i: number) => Path;
    format: Path;
    /** Where message `i`'s calls are, and its `j`th answer's id. */
    calls: (i: number) => Path;
    answer: (i: number, j: number) => Path;
  };
}

/**
 * A message as the check reads it: the calls it makes and the ids it answers. `onlyAnswers`: it
 * is an answer and nothing else (OpenAI's tool message), so the calls before it may still be
 * answered after it; any other message must find every call before it answered.
 */
export interface ToolTurn {
  calls: readonly string[];
  answers: readonly string[];
  onlyAnswers: boolean;
}

/**
 * What the fields cannot say one by one: the tool choice names an offered tool, a grammar for the
 * reply is not asked for twice, and every call in the history is answered once, by a tool message
 * right after it (node-llama-cpp gives each call its result in the template's own syntax).
 */
export function toolIssues(view: ToolView): ToolIssue[] {
  const issues: ToolIssue[] = [];
  const issue = (path: Path, message: string) => issues.push({ path, message });
  const { names, choice } = view;
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (seen.has(name)) issue(view.at.toolName(i), `two tools are named "${name}"`);
    seen.add(name);
  });
  if (names.length > 0 && !view.hasMessages) {
    issue(['tools'], 'tools need "messages": a raw prompt has no turn to call them in');
  }
  if (typeof choice === 'object' && !seen.has(choice.name)) {
    issue(['tool_choice'], `tool_choice names "${choice.name}", which is not among the tools`);
  } else if (choice === 'required' && names.length === 0) {
    issue(['tool_choice'], 'tool_choice "required" needs tools to call');
  }
  if (names.length > 0 && choice !== 'none' && view.hasFormat) {
    issue(view.at.format, 'a reply format and tools cannot be combined: set tool_choice to "none"');
  }
  checkAnswers(view, issue);
  return issues;
}

/** `toolIssues` as a zod check of a schema whose value `view` reads. */
export function checkToolsOf<T>(view: (value: T) => ToolView) {
  return (ctx: z.core.ParsePayload<T>): void => {
    for (const { path, message } of toolIssues(view(ctx.value))) {
      ctx.issues.push({ code: 'custom', input: ctx.value, path, message });
    }
  };
}

/** The task API's own request. */
export const checkTools = checkToolsOf(
  (
    value: z.infer<typeof ToolFieldsSchema> & {
      messages?: z.infer<typeof ChatMessageSchema>[] | undefined;
      format?: unknown;
    },
  ): ToolView => ({
    names: (value.tools ?? []).map((tool) => tool.name),
    choice: value.tool_choice,
    hasFormat: value.format !== undefined,
    hasMessages: value.messages !== undefined,
    messages: (value.messages ?? []).map(openAiStyleTurn),
    at: {
      toolName: (i) => ['tools', i, 'name'],
      format: ['format'],
      calls: (i) => ['messages', i, 'tool_calls'],
      answer: (i) => ['messages', i, 'tool_call_id'],
    },
  }),
);

/** A message of the task API or OpenAI's: an assistant's calls, or a tool's one answer. */
export function openAiStyleTurn(message: {
  role: string;
  tool_call_id?: string | null;
  tool_calls?: { id: string }[] | null;
}): ToolTurn {
  const answer = message.role === 'tool' ? [message.tool_call_id ?? ''] : [];
  return {
    calls: (message.tool_calls ?? []).map((call) => call.id),
    answers: answer,
    onlyAnswers: message.role === 'tool',
  };
}

function checkAnswers(view: ToolView, issue: (path: Path, message: string) => void): void {
  let open = new Map<string, number>();
  const unanswered = () => {
    for (const [id, at] of open) {
      issue(view.at.calls(at), `tool call "${id}" has no tool result answering it`);
    }
  };
  view.messages.forEach((message, i) => {
    message.answers.forEach((id, j) => {
      if (open.delete(id)) return;
      const who = id === '' ? 'this tool result' : `"${id}"`;
      issue(
        view.at.answer(i, j),
        `${who} answers no unanswered tool call of the message before it`,
      );
    });
    if (message.onlyAnswers) return;
    unanswered();
    open = new Map();
    for (const id of message.calls) {
      if (open.has(id)) issue(view.at.calls(i), `two calls share "${id}"`);
      open.set(id, i);
    }
  });
  unanswered();
}
