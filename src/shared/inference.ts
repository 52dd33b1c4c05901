import type { z } from 'zod';
import type { JobListSchema, JobRecordSchema, TaskAcceptedSchema } from './api-schemas';
import type { ErrorBody, ErrorCode } from './errors';
import type { ChatMessageSchema, ExecuteRequestSchema, TaskRequestSchema } from './schemas';
import type { ToolCallSchema, ToolChoiceSchema, ToolSchema } from './tool-schemas';
import type { WorkerStatusSchema } from './worker-schemas';

export { DEFAULT_TEMPERATURE, LIMITS } from './limits';

/** Request types, derived from the schemas by type only: importing them bundles no zod. */

export type ChatMessage = z.infer<typeof ChatMessageSchema>;
export type Tool = z.infer<typeof ToolSchema>;
export type ToolCall = z.infer<typeof ToolCallSchema>;
export type ToolChoice = z.infer<typeof ToolChoiceSchema>;
export type ExecuteRequest = z.infer<typeof ExecuteRequestSchema>;
export type TaskRequest = z.input<typeof TaskRequestSchema>;
export type ParsedTaskRequest = z.output<typeof TaskRequestSchema>;

export type TaskAccepted = z.infer<typeof TaskAcceptedSchema>;
/** A job as `GET /v2/tasks/{id}` answers it and the daemon's journal keeps it. */
export type JobRecord = z.infer<typeof JobRecordSchema>;
export type JobStatus = JobRecord['status'];
export type JobPriority = JobRecord['priority'];
/** `GET /v2/tasks?limit=N`: the most recent jobs first. */
export type JobList = z.infer<typeof JobListSchema>;

/** `tool_calls`: the reply is one or more tool calls (`tool_call` events), to be answered. */
export type StopReason = 'eos' | 'max_tokens' | 'stop_sequence' | 'tool_calls' | 'cancelled';

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
  /** One input's embedding (unit length), for a request with `embed`: `index` is its place. */
  embedding: { index: number; vector: number[] };
  /** A whole call, sent once its arguments are complete; `index` counts the reply's calls. */
  tool_call: ToolCall & { index: number };
  metrics: Metrics;
  end: {
    tokens_out: number;
    decode_time_ms: number;
    stop_reason: StopReason;
    prompt_tokens: number;
    /** Which of the request's stop sequences ended it, with stop_reason `stop_sequence`. */
    stop_sequence?: string;
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

/**
 * A worker's routes. Every one but `health` needs `Authorization: Bearer <the worker's secret>`
 * (see worker-auth.ts), and every request a Host header naming the loopback.
 */
export const WORKER_ROUTES = {
  /** POST: run one job; its events as SSE. */
  execute: '/execute',
  /** POST `{ job_id }`: cancel it (202 whether or not it runs). */
  cancel: '/cancel',
  /** GET: WorkerStatus. */
  status: '/status',
  /** GET, open to anyone: WorkerHealth, that it is alive and nothing more. */
  health: '/health',
} as const;

/** `GET /health` on a worker: alive and serving. It tells an unauthenticated caller nothing else. */
export interface WorkerHealth {
  status: 'ready';
}

/** `GET /status` on a worker (with its secret): what it serves and how busy it is. */
export type WorkerStatus = z.infer<typeof WorkerStatusSchema>;

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
