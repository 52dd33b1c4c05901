import type { ErrorBody } from '../../../../shared/errors';
import { HTTP_STATUS } from '../../../../shared/errors';
import type { InferenceEvent } from '../../../../shared/inference';
import {
  anthropicErrorType,
  anthropicStopReason,
  type AnthropicMessage,
} from '../../../../shared/anthropic-replies';

type Block = AnthropicMessage['content'][number];

/** One named event, as Anthropic streams them (its `type` in the data too). */
function event(type: string, data: object): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** Anthropic's error body for one of rbees' errors, rbees' code and details kept in it. */
export function anthropicError(error: ErrorBody) {
  const type = anthropicErrorType(HTTP_STATUS[error.code], error.code);
  return { type: 'error' as const, error: { ...error, type } };
}

/** A tool call's JSON arguments as Anthropic's `input` object. */
function input(args: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(args);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    return {};
  }
}

/**
 * Builds one job's Messages answer: whole, or as Anthropic's event sequence (`message_start`,
 * each content block's start, deltas and stop, `message_delta` with the stop reason and usage,
 * `message_stop`), text blocks from tokens and a tool_use block per tool call.
 */
export class MessageShaper {
  private readonly content: Block[] = [];
  private open: 'text' | undefined;

  constructor(
    private readonly id: string,
    private readonly model: string,
  ) {}

  /** The first event: the message, empty, before anything is generated. */
  start(): string {
    const message = { ...this.head(), content: [], stop_reason: null, stop_sequence: null };
    return (
      event('message_start', { message: { ...message, usage: usage(0, 0) } }) + event('ping', {})
    );
  }

  /** The events for one of the job's; also kept for `whole`. */
  streamEvent(e: InferenceEvent): string {
    switch (e.type) {
      case 'token': {
        let out = '';
        if (this.open !== 'text') {
          out += event('content_block_start', {
            index: this.content.length,
            content_block: { type: 'text', text: '' },
          });
          this.content.push({ type: 'text', text: '' });
          this.open = 'text';
        }
        const block = this.content.at(-1) as Block & { type: 'text' };
        block.text += e.data.t;
        const delta = { type: 'text_delta', text: e.data.t };
        return out + event('content_block_delta', { index: this.content.length - 1, delta });
      }
      case 'tool_call': {
        let out = this.closeBlock();
        const { id, name } = e.data;
        const block = { type: 'tool_use' as const, id, name, input: input(e.data.arguments) };
        this.content.push(block);
        out += event('content_block_start', {
          index: this.content.length - 1,
          content_block: { ...block, input: {} },
        });
        out += event('content_block_delta', {
          index: this.content.length - 1,
          delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) },
        });
        return out + event('content_block_stop', { index: this.content.length - 1 });
      }
      case 'end': {
        const delta = {
          stop_reason: anthropicStopReason(e.data.stop_reason),
          stop_sequence: e.data.stop_sequence ?? null,
        };
        return (
          this.closeBlock() +
          event('message_delta', {
            delta,
            usage: usage(e.data.prompt_tokens, e.data.tokens_out),
          }) +
          event('message_stop', {})
        );
      }
      case 'error':
        return event('error', { error: anthropicError(e.data).error });
      case 'queued':
      case 'started':
      case 'metrics':
      case 'embedding':
        return '';
    }
  }

  /** The whole message, once the job ended with `end`. */
  whole(end: Extract<InferenceEvent, { type: 'end' }>['data']): AnthropicMessage {
    return {
      ...this.head(),
      content: this.content,
      stop_reason: anthropicStopReason(end.stop_reason),
      stop_sequence: end.stop_sequence ?? null,
      usage: usage(end.prompt_tokens, end.tokens_out),
    };
  }

  private closeBlock(): string {
    if (this.open === undefined) return '';
    this.open = undefined;
    return event('content_block_stop', { index: this.content.length - 1 });
  }

  private head() {
    return { id: this.id, type: 'message' as const, role: 'assistant' as const, model: this.model };
  }
}

function usage(input: number, output: number) {
  return { input_tokens: input, output_tokens: output };
}
