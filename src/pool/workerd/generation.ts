import {
  LlamaChat,
  LlamaCompletion,
  type ChatHistoryItem,
  type ChatModelFunctions,
  type ChatWrapper,
  type LLamaChatGenerateResponseOptions,
  type LlamaCompletionGenerationOptions,
  type LLamaContextualRepeatPenalty,
  type LlamaContextSequence,
  type LlamaGrammar,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';
import { RbeesError } from '../../shared/errors';
import type { ExecuteRequest, StopReason } from '../../shared/inference';
import { promptRoom } from '../../shared/limits';
import { StopMatcher } from './stop-matcher';
import { parseForcedCall, planTools, toChatHistory, type ToolPlan } from './tools';

/** A request checked against the model before any slot is taken or any byte is streamed. */
export interface PreparedRequest {
  req: ExecuteRequest;
  /** Set for `messages` requests: the chat, ending with the turn the model writes. */
  history: ChatHistoryItem[] | undefined;
  tools: ToolPlan;
  promptTokens: number;
  /** `max_tokens`, capped by the room the prompt leaves in the context. */
  maxTokens: number;
}

/**
 * Tokenizes the input to report its size and to refuse one that does not fit: node-llama-cpp would
 * otherwise silently drop the start of a long prompt (or the oldest chat turns). The last tenth of
 * the context is kept for the reply, as node-llama-cpp's own context shift does. A reply budget
 * past the room left is served up to the room and ends as `max_tokens` (as llama-server and
 * Ollama do), rather than shift the context and lose the prompt's start.
 */
export function prepareRequest(
  req: ExecuteRequest,
  model: LlamaModel,
  chatWrapper: ChatWrapper,
  contextSize: number,
): PreparedRequest {
  let history: ChatHistoryItem[] | undefined;
  let promptTokens: number;
  const tools = planTools(req);
  if (req.messages !== undefined) {
    history = toChatHistory(req.messages, tools);
    const { contextText } = chatWrapper.generateContextState({
      chatHistory: history,
      ...(tools.kind === 'auto' ? { availableFunctions: tools.functions } : {}),
    });
    promptTokens = contextText.tokenize(model.tokenizer).length;
  } else {
    const prompt = req.prompt ?? '';
    const bos = model.tokens.shouldPrependBosToken && model.tokens.bos !== null;
    promptTokens =
      model.tokenize(prompt, false, bos ? 'trimLeadingSpace' : undefined).length + (bos ? 1 : 0);
  }
  const room = promptRoom(contextSize);
  if (promptTokens > room && req.count_only !== true) {
    const field = history === undefined ? 'prompt' : 'messages';
    throw new RbeesError(
      'BAD_REQUEST',
      `${field}: ${promptTokens} tokens do not fit a context of ${contextSize} tokens (at most ` +
        `${room}) — shorten the input or restart the worker with a larger --ctx`,
      { fields: [field], prompt_tokens: promptTokens, context_size: contextSize },
    );
  }
  return {
    req,
    history,
    tools,
    promptTokens,
    maxTokens: Math.min(req.max_tokens, contextSize - promptTokens),
  };
}

export interface GenerationHooks {
  /** Each piece of text as node-llama-cpp releases it (it holds back possible stop sequences). */
  onText: (text: string) => void;
  /** How many tokens that text took. */
  onTokens: (count: number) => void;
  /** The stop sequence that ended the reply. */
  onStopSequence: (stop: string) => void;
  /** A whole tool call, its arguments as JSON text. */
  onToolCall: (call: { name: string; arguments: string }) => void;
}

/**
 * Runs one request on a free sequence. The LlamaCompletion / LlamaChat object is fresh for each
 * request and disposed after it (the sequence itself stays): both align the sequence's state to
 * the new input first, erasing whatever differs, so nothing of an earlier request leaks in while a
 * shared prefix is reused, not evaluated again.
 */
export async function runGeneration(
  prepared: PreparedRequest,
  sequence: LlamaContextSequence,
  chatWrapper: ChatWrapper,
  signal: AbortSignal,
  grammar: LlamaGrammar | undefined,
  hooks: GenerationHooks,
): Promise<StopReason> {
  const { req, tools } = prepared;
  // A forced call's JSON is not the reply's text: it is kept back and becomes the call.
  let held = '';
  const emit = tools.kind === 'forced' ? (text: string) => void (held += text) : hooks.onText;
  const stops =
    req.stop !== undefined && req.stop.length > 0 ? new StopMatcher(req.stop) : undefined;
  const stopHere = new AbortController();
  const onText = (text: string) => {
    if (stops === undefined) return emit(text);
    const ready = stops.push(text);
    if (ready !== '') emit(ready);
    // node-llama-cpp checks the signal right after this callback: no further token is generated.
    if (stops.stopped) stopHere.abort();
  };
  const base = {
    onTextChunk: onText,
    onToken: (tokens: Token[]) => hooks.onTokens(tokens.length),
    signal: stops === undefined ? signal : AbortSignal.any([signal, stopHere.signal]),
    // Resolve with the partial text on abort instead of throwing: the stream ends cleanly.
    stopOnAbortSignal: true,
    maxTokens: prepared.maxTokens,
    temperature: req.temperature,
    topP: req.top_p,
    topK: req.top_k,
    minP: req.min_p,
    seed: req.seed,
    repeatPenalty: toRepeatPenalty(req),
  };
  const options: GenerationOptions =
    tools.kind === 'auto'
      ? {
          ...base,
          functions: tools.functions,
          documentFunctionParams: true,
          ...(tools.maxParallel !== undefined
            ? { maxParallelFunctionCalls: tools.maxParallel }
            : {}),
          onFunctionCall: (call) =>
            hooks.onToolCall({
              name: call.functionName,
              arguments: JSON.stringify(call.params ?? {}),
            }),
        }
      : { ...base, ...(grammar ? { grammar } : {}) };
  let reason = await generate(prepared, sequence, chatWrapper, options);
  if (stops?.matched !== undefined) {
    reason = 'stop_sequence';
    hooks.onStopSequence(stops.matched);
  } else {
    const rest = stops?.flush() ?? '';
    if (rest !== '') emit(rest);
  }
  if (tools.kind !== 'forced' || reason === 'cancelled') return reason;
  const call = parseForcedCall(held);
  if (call !== undefined && reason === 'eos') {
    hooks.onToolCall(call);
    return 'tool_calls';
  }
  // Cut short by its budget or a stop sequence: what was written is not lost.
  if (held !== '') hooks.onText(held);
  return reason;
}

type GenerationOptions = LLamaChatGenerateResponseOptions<ChatModelFunctions> &
  LlamaCompletionGenerationOptions;

async function generate(
  prepared: PreparedRequest,
  sequence: LlamaContextSequence,
  chatWrapper: ChatWrapper,
  options: GenerationOptions,
): Promise<StopReason> {
  if (prepared.history !== undefined) {
    const chat = new LlamaChat({ contextSequence: sequence, chatWrapper });
    try {
      const result = await chat.generateResponse(prepared.history, options);
      return toStopReason(result.metadata.stopReason);
    } finally {
      chat.dispose({ disposeSequence: false });
    }
  }
  const completion = new LlamaCompletion({ contextSequence: sequence });
  try {
    const result = await completion.generateCompletionWithMeta(prepared.req.prompt ?? '', options);
    return toStopReason(result.metadata.stopReason);
  } finally {
    completion.dispose({ disposeSequence: false });
  }
}

/**
 * llama.cpp's penalties sampler, from the request's three: `repetition_penalty` (1 is none) and
 * OpenAI's `presence_penalty` / `frequency_penalty` (0 is none), over node-llama-cpp's last 64
 * tokens. None given keeps node-llama-cpp's default; all neutral is spelled false there.
 */
export function toRepeatPenalty(
  req: Pick<ExecuteRequest, 'repetition_penalty' | 'presence_penalty' | 'frequency_penalty'>,
): LLamaContextualRepeatPenalty | false | undefined {
  const { repetition_penalty: penalty, presence_penalty: presence } = req;
  const frequency = req.frequency_penalty;
  if (penalty === undefined && presence === undefined && frequency === undefined) return undefined;
  if ((penalty ?? 1) === 1 && (presence ?? 0) === 0 && (frequency ?? 0) === 0) return false;
  return {
    ...(penalty !== undefined ? { penalty } : {}),
    ...(presence !== undefined ? { presencePenalty: presence } : {}),
    ...(frequency !== undefined ? { frequencyPenalty: frequency } : {}),
  };
}

type LlamaStopReason =
  | 'eogToken'
  | 'stopGenerationTrigger'
  | 'customStopTrigger'
  | 'functionCalls'
  | 'maxTokens'
  | 'abort';

/**
 * A chat template's own end-of-turn text (stopGenerationTrigger) ends the turn like EOS does;
 * functionCalls: the model called tools offered with tool_choice "auto".
 */
export function toStopReason(reason: LlamaStopReason): StopReason {
  switch (reason) {
    case 'eogToken':
    case 'stopGenerationTrigger':
      return 'eos';
    case 'functionCalls':
      return 'tool_calls';
    case 'customStopTrigger':
      return 'stop_sequence';
    case 'maxTokens':
      return 'max_tokens';
    case 'abort':
      return 'cancelled';
  }
}
