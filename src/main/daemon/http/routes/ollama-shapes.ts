import type { EventPayloads, InferenceEvent, Metrics } from '../../../../shared/inference';

export type OllamaKind = 'chat' | 'generate';

/** One NDJSON line. */
export function line(payload: object): string {
  return `${JSON.stringify(payload)}\n`;
}

const NS_PER_MS = 1e6;

/**
 * Builds one job's Ollama answer: a line per token (`message.content` for chat, `response` for
 * generate), a tool call as its own line (`message.tool_calls`, arguments as an object), then the
 * final line with `done: true`, the stop reason and Ollama's counts and durations (ns).
 */
export class OllamaShaper {
  private readonly startedAt = performance.now();
  private metrics: Metrics | undefined;
  private text = '';
  private readonly calls: { function: { name: string; arguments: unknown } }[] = [];

  constructor(
    private readonly kind: OllamaKind,
    private readonly model: string,
  ) {}

  /** The NDJSON for one of the job's events ('' for those Ollama has no line for). */
  streamEvent(event: InferenceEvent): string {
    switch (event.type) {
      case 'token':
        this.text += event.data.t;
        return line(this.chunk(event.data.t, undefined));
      case 'tool_call': {
        const call = ollamaCall(event.data);
        this.calls.push(call);
        return line(this.chunk('', [call]));
      }
      case 'metrics':
        this.metrics = event.data;
        return '';
      case 'end':
        return line(this.final(event.data, '', undefined));
      case 'error':
        return line({ error: event.data.message, code: event.data.code });
      case 'queued':
      case 'started':
      case 'embedding':
        return '';
    }
  }

  /** The whole answer in one object, once the job ended. */
  whole(end: EventPayloads['end']): object {
    return this.final(end, this.text, this.calls.length > 0 ? this.calls : undefined);
  }

  private chunk(text: string, calls: unknown[] | undefined): object {
    const head = { model: this.model, created_at: new Date().toISOString() };
    if (this.kind === 'generate') return { ...head, response: text, done: false };
    const message = { role: 'assistant', content: text, ...(calls ? { tool_calls: calls } : {}) };
    return { ...head, message, done: false };
  }

  private final(end: EventPayloads['end'], text: string, calls: unknown[] | undefined): object {
    const ttft = this.metrics?.time_to_first_token_ms ?? 0;
    return {
      ...this.chunk(text, calls),
      done: true,
      done_reason: end.stop_reason === 'max_tokens' ? 'length' : 'stop',
      total_duration: Math.round((performance.now() - this.startedAt) * NS_PER_MS),
      load_duration: 0,
      prompt_eval_count: end.prompt_tokens,
      prompt_eval_duration: Math.round(ttft * NS_PER_MS),
      eval_count: end.tokens_out,
      eval_duration: Math.round(end.decode_time_ms * NS_PER_MS),
    };
  }
}

function ollamaCall(call: EventPayloads['tool_call']) {
  let args: unknown;
  try {
    args = JSON.parse(call.arguments);
  } catch {
    args = {};
  }
  return { function: { name: call.name, arguments: args } };
}
