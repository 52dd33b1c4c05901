import type { z } from 'zod';
import type { EventPayloads, InferenceEvent, StopReason } from '../../../../shared/inference';
import {
  finishReason,
  usage,
  type ChatCompletionSchema,
  type FinishReason,
  type OpenAiToolCallSchema,
  type TextCompletionSchema,
} from '../../../../shared/openai-replies';

type ChatCompletion = z.input<typeof ChatCompletionSchema>;
type TextCompletion = z.input<typeof TextCompletionSchema>;
type OpenAiToolCall = z.input<typeof OpenAiToolCallSchema>;
export type ToolCallEvent = EventPayloads['tool_call'];

function openAiCall(call: ToolCallEvent): OpenAiToolCall {
  return {
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  };
}
export type Kind = 'chat' | 'text';

/** One data-only event, as OpenAI streams them. */
export function data(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** Builds OpenAI's objects for one job. */
export class Shaper {
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(
    private readonly kind: Kind,
    private readonly id: string,
    private readonly model: string,
  ) {}

  streamEvent(event: InferenceEvent, includeUsage: boolean): unknown[] {
    switch (event.type) {
      case 'token':
        return [
          this.kind === 'chat'
            ? this.chunk({ content: event.data.t }, null)
            : this.text(event.data.t, null),
        ];
      case 'end': {
        const reason = finishReason(event.data.stop_reason);
        const use = usage(event.data.prompt_tokens, event.data.tokens_out);
        const last = this.kind === 'chat' ? this.chunk({}, reason) : this.text('', reason);
        return includeUsage ? [last, { ...this.base(), choices: [], usage: use }] : [last];
      }
      case 'tool_call': {
        // Whole, in one delta: the worker sends a call once its arguments are complete.
        const { index } = event.data;
        return [this.chunk({ tool_calls: [{ index, ...openAiCall(event.data) }] }, null)];
      }
      case 'error':
        return [{ error: event.data }];
      case 'queued':
      case 'started':
      case 'metrics':
      case 'embedding':
        return [];
    }
  }

  chunk(
    delta: {
      role?: 'assistant';
      content?: string;
      tool_calls?: (OpenAiToolCall & { index: number })[];
    },
    reason: FinishReason | null,
  ): unknown {
    return {
      ...this.base(),
      choices: [{ index: 0, delta, finish_reason: reason, logprobs: null }],
    };
  }

  /** The whole completion, as the route's answer schema has it. */
  whole(
    text: string,
    calls: readonly ToolCallEvent[],
    end: { stop_reason: StopReason; prompt_tokens: number; tokens_out: number },
  ): ChatCompletion | TextCompletion {
    const finish_reason = finishReason(end.stop_reason);
    const head = { id: this.id, created: this.created, model: this.model };
    const use = usage(end.prompt_tokens, end.tokens_out);
    return this.kind === 'chat'
      ? {
          ...head,
          object: 'chat.completion',
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content: text === '' && calls.length > 0 ? null : text,
                ...(calls.length > 0 ? { tool_calls: calls.map(openAiCall) } : {}),
              },
              finish_reason,
              logprobs: null,
            },
          ],
          usage: use,
        }
      : {
          ...head,
          object: 'text_completion',
          choices: [{ index: 0, text, finish_reason, logprobs: null }],
          usage: use,
        };
  }

  private text(text: string, reason: FinishReason | null): unknown {
    return { ...this.base(), choices: [{ index: 0, text, finish_reason: reason, logprobs: null }] };
  }

  private base(streaming = true) {
    const object =
      this.kind === 'chat'
        ? streaming
          ? 'chat.completion.chunk'
          : 'chat.completion'
        : 'text_completion';
    return { id: this.id, object, created: this.created, model: this.model };
  }
}
