import { z } from 'zod';
import type { ErrorCode } from './errors';
import type { StopReason } from './inference';

/** What Anthropic's Messages routes answer, in its shapes (only the fields rbees sends). */

export const AnthropicStopReasonSchema = z.enum([
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
]);
export type AnthropicStopReason = z.infer<typeof AnthropicStopReasonSchema>;

export function anthropicStopReason(stop: StopReason): AnthropicStopReason {
  switch (stop) {
    case 'max_tokens':
      return 'max_tokens';
    case 'stop_sequence':
      return 'stop_sequence';
    case 'tool_calls':
      return 'tool_use';
    case 'eos':
    case 'cancelled':
      return 'end_turn';
  }
}

const TextBlockSchema = z.object({ type: z.literal('text'), text: z.string() });
const ToolUseBlockSchema = z.object({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
});

const UsageSchema = z.object({ input_tokens: z.int(), output_tokens: z.int() });

/** `POST /v1/messages` without `stream`. */
export const AnthropicMessageSchema = z.object({
  id: z.string(),
  type: z.literal('message'),
  role: z.literal('assistant'),
  model: z.string(),
  content: z.array(z.discriminatedUnion('type', [TextBlockSchema, ToolUseBlockSchema])),
  stop_reason: AnthropicStopReasonSchema,
  stop_sequence: z.string().nullable(),
  usage: UsageSchema,
});
export type AnthropicMessage = z.infer<typeof AnthropicMessageSchema>;

/** `POST /v1/messages/count_tokens`. */
export const AnthropicTokenCountSchema = z.object({ input_tokens: z.int() });

/** Anthropic's error body; rbees' own code and details ride along in `error`. */
export const AnthropicErrorSchema = z.object({
  type: z.literal('error'),
  error: z.looseObject({ type: z.string(), message: z.string() }),
});

/** Anthropic's error type for each of rbees' codes (by the HTTP status they share). */
export function anthropicErrorType(status: number, code: ErrorCode): string {
  if (code === 'QUEUE_FULL' || code === 'WORKER_BUSY') return 'overloaded_error';
  switch (status) {
    case 400:
    case 409:
    case 422:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    default:
      return 'api_error';
  }
}
