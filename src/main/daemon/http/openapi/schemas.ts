import type {
  DaemonInfo,
  ModelsResponse,
  WorkerInfo,
  WorkersResponse,
} from '../../../../shared/api';
import { ERROR_CODES, type ErrorBody, type ErrorResponse } from '../../../../shared/errors';
import {
  AddHostSchema,
  SpawnWorkerSchema,
  StartDownloadSchema,
  TrustHostSchema,
} from '../../../../shared/host-schemas';
import type {
  JobList,
  JobPriority,
  JobRecord,
  JobStatus,
  TaskAccepted,
} from '../../../../shared/inference';
import type { ModelInfo } from '../../../../shared/models';
import {
  ChatCompletionRequestSchema,
  CompletionRequestSchema,
  type FinishReason,
  type Usage,
} from '../../../../shared/openai';
import { TaskRequestSchema } from '../../../../shared/schemas';
import { hostSchemas } from './host-responses';
import * as s from './json-schema';

/** Request bodies: generated from the zod schemas the routes validate with, so they cannot drift. */
const requests = () => ({
  TaskRequest: {
    ...s.fromZod(TaskRequestSchema),
    // A zod refinement has no JSON Schema form: say it in words.
    description: 'Give exactly one of `prompt` or `messages`.',
  },
  ChatCompletionRequest: s.fromZod(ChatCompletionRequestSchema),
  CompletionRequest: s.fromZod(CompletionRequestSchema),
  AddHostRequest: s.fromZod(AddHostSchema),
  TrustHostRequest: s.fromZod(TrustHostSchema),
  StartDownloadRequest: s.fromZod(StartDownloadSchema),
  SpawnWorkerRequest: s.fromZod(SpawnWorkerSchema),
});

const errors = {
  ErrorBody: s.object<ErrorBody>(
    {
      code: { type: 'string', enum: [...ERROR_CODES] },
      message: s.str,
      details: { type: 'object' },
      correlation_id: s.str,
    },
    { details: true, correlation_id: true },
  ),
  ErrorResponse: s.object<ErrorResponse>({ error: s.ref('ErrorBody') }),
};

const completionBase = {
  id: s.str,
  created: s.int,
  model: s.str,
  usage: s.object<Usage>({ prompt_tokens: s.int, completion_tokens: s.int, total_tokens: s.int }),
};
const finishReason = s.oneOf<FinishReason>({ stop: true, length: true });

/** What `/v2` and `/v1` answer (besides streams). */
const inference = {
  TaskAccepted: s.object<TaskAccepted>({
    job_id: s.str,
    status: s.constant('queued'),
    queue_position: s.int,
    events_url: s.str,
  }),
  JobRecord: s.object<JobRecord>({
    job_id: s.str,
    status: s.oneOf<JobStatus>({
      queued: true,
      running: true,
      succeeded: true,
      failed: true,
      cancelled: true,
    }),
    model: s.str,
    priority: s.oneOf<JobPriority>({ interactive: true, batch: true }),
    queue_position: s.nullable(s.int),
    host: s.nullable(s.str),
    worker_id: s.nullable(s.str),
    created_at: s.dateTime,
    started_at: s.nullable(s.dateTime),
    first_token_at: s.nullable(s.dateTime),
    finished_at: s.nullable(s.dateTime),
    tokens_in: s.nullable(s.int),
    tokens_out: s.nullable(s.int),
    error: s.nullable(s.ref('ErrorBody')),
  }),
  JobList: s.object<JobList>({ jobs: s.arrayOf(s.ref('JobRecord')) }),
  OpenAiModelList: {
    type: 'object',
    properties: {
      object: s.constant('list'),
      data: s.arrayOf({
        type: 'object',
        properties: { id: s.str, object: s.constant('model'), created: s.int, owned_by: s.str },
      }),
    },
  },
  ChatCompletion: {
    type: 'object',
    properties: {
      ...completionBase,
      object: s.constant('chat.completion'),
      choices: s.arrayOf({
        type: 'object',
        properties: {
          index: s.int,
          message: {
            type: 'object',
            properties: { role: s.constant('assistant'), content: s.str },
          },
          finish_reason: finishReason,
        },
      }),
    },
  },
  TextCompletion: {
    type: 'object',
    properties: {
      ...completionBase,
      object: s.constant('text_completion'),
      choices: s.arrayOf({
        type: 'object',
        properties: { index: s.int, text: s.str, finish_reason: finishReason },
      }),
    },
  },
};

/** What `/api` answers about this daemon and this computer. */
const api = {
  ModelInfo: s.object<ModelInfo>({
    id: s.str,
    host: s.str,
    size_bytes: s.nullable(s.int),
    loaded: s.bool,
  }),
  ModelsResponse: s.object<ModelsResponse>({ models: s.arrayOf(s.ref('ModelInfo')) }),
  WorkerInfo: s.object<WorkerInfo>({
    id: s.str,
    model: s.str,
    host: s.str,
    port: s.nullable(s.int),
    pid: s.nullable(s.int),
    state: s.oneOf<WorkerInfo['state']>({
      starting: true,
      ready: true,
      crashed: true,
      stopping: true,
      stopped: true,
    }),
    backend: s.nullable(s.str),
    slots_total: s.int,
    slots_busy: s.int,
    restarts: s.int,
    last_error: s.nullable(s.str),
  }),
  WorkersResponse: s.object<WorkersResponse>({ workers: s.arrayOf(s.ref('WorkerInfo')) }),
  WorkerLogLines: { type: 'object', properties: { lines: s.arrayOf(s.str) }, required: ['lines'] },
  DaemonInfo: s.object<DaemonInfo>({ version: s.str, models_dir: s.str, hostname: s.str }),
};

/** `components.schemas`: every schema an operation refers to by name. */
export function componentSchemas(): Record<string, s.Schema> {
  return { ...requests(), ...errors, ...inference, ...api, ...hostSchemas };
}
