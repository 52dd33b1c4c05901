import { z } from 'zod';
import type { ErrorBody, ErrorCode } from './errors';

/** Limits from SYS-5.4 (the old worker's validation), shared by the worker and the daemon. */
export const LIMITS = {
  promptChars: 32768,
  maxTokens: 2048,
  temperature: { min: 0, max: 2 },
  stopSequences: 4,
} as const;

export const DEFAULT_TEMPERATURE = 0.7;

export const ChatMessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string().max(LIMITS.promptChars),
});
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

/** Sampling options accepted by every inference entry point. */
export const SamplingSchema = z.object({
  max_tokens: z.int().min(1).max(LIMITS.maxTokens),
  temperature: z
    .number()
    .min(LIMITS.temperature.min)
    .max(LIMITS.temperature.max)
    .default(DEFAULT_TEMPERATURE),
  top_p: z.number().gt(0).max(1).optional(),
  top_k: z.int().min(0).optional(),
  // 0 would divide llama.cpp's logits by zero.
  repetition_penalty: z.number().gt(0).max(2).optional(),
  stop: z.array(z.string().min(1)).max(LIMITS.stopSequences).optional(),
  seed: z.int().min(0).optional(),
});

/** Exactly one of a raw prompt or chat messages (formatted with the model's chat template). */
const InputSchema = z.object({
  prompt: z.string().min(1).max(LIMITS.promptChars).optional(),
  messages: z.array(ChatMessageSchema).min(1).optional(),
});

function exactlyOneInput(value: { prompt?: string; messages?: unknown[] }): boolean {
  return (value.prompt === undefined) !== (value.messages === undefined);
}
const ONE_INPUT = { message: 'give exactly one of "prompt" or "messages"', path: ['prompt'] };

/** `POST /execute` on a worker (SYS-5.4). */
export const ExecuteRequestSchema = SamplingSchema.extend(InputSchema.shape)
  .extend({ job_id: z.string().min(1).max(128) })
  .refine(exactlyOneInput, ONE_INPUT);
export type ExecuteRequest = z.infer<typeof ExecuteRequestSchema>;

export const CancelRequestSchema = z.object({ job_id: z.string().min(1).max(128) });

/** `POST /v2/tasks` on the daemon (SYS-5.1). */
export const TaskRequestSchema = SamplingSchema.extend(InputSchema.shape)
  .extend({
    model: z.string().min(1),
    priority: z.enum(['interactive', 'batch']).default('interactive'),
    session_id: z.string().max(128).optional(),
  })
  .refine(exactlyOneInput, ONE_INPUT);
export type TaskRequest = z.input<typeof TaskRequestSchema>;
export type ParsedTaskRequest = z.output<typeof TaskRequestSchema>;

export interface TaskAccepted {
  job_id: string;
  status: 'queued';
  queue_position: number;
  events_url: string;
}

export type StopReason = 'eos' | 'max_tokens' | 'stop_sequence' | 'cancelled';

export interface Metrics {
  tokens_out: number;
  tokens_per_sec: number;
  decode_time_ms: number;
  time_to_first_token_ms: number | null;
  prompt_tokens: number;
}

/** Payload of each event of an inference stream, worker and daemon alike (SYS-5.1, 5.4). */
export interface EventPayloads {
  queued: { job_id: string; queue_position: number };
  started: { job_id: string; model: string; started_at: string; host?: string; worker_id?: string };
  token: { t: string; i: number };
  metrics: Metrics;
  end: {
    tokens_out: number;
    decode_time_ms: number;
    stop_reason: StopReason;
    prompt_tokens: number;
  };
  error: ErrorBody;
}
export type EventType = keyof EventPayloads;

/** One event of an inference stream; `id` is set by streams that can be resumed. */
export type InferenceEvent = {
  [K in EventType]: { type: K; data: EventPayloads[K]; id?: string };
}[EventType];

export const TERMINAL_EVENTS: ReadonlySet<EventType> = new Set(['end', 'error']);

export function isTerminal(event: InferenceEvent): boolean {
  return TERMINAL_EVENTS.has(event.type);
}

/** `GET /health` on a worker. */
export interface WorkerHealth {
  status: 'loading' | 'ready';
  model: string;
  backend: string;
  slots_total: number;
  slots_busy: number;
  context_size: number;
  pid: number;
}

/** The one line a worker prints on stdout when it can serve. */
export interface WorkerReadyLine {
  event: 'ready';
  port: number;
  model: string;
  backend: string;
  slots: number;
  context_size: number;
}

/** The line a worker prints instead of WorkerReadyLine when it cannot start. */
export interface WorkerErrorLine {
  event: 'error';
  code: ErrorCode;
  message: string;
}
