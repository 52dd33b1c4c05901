import { API } from '../../../../shared/api';
import type { ClusterEventType } from '../../../../shared/events';
import type { EventType } from '../../../../shared/inference';
import { keysOf } from './json-schema';
import { json, op, query, sse, template, type Paths } from './operations';

const TASK_EVENTS = keysOf<EventType>({
  queued: true,
  started: true,
  token: true,
  metrics: true,
  end: true,
  error: true,
});

const OPENAI_STREAM =
  'With `"stream": true` the answer is `text/event-stream`: `data:` lines carrying OpenAI chunk ' +
  'objects, `data: {"error": ErrorBody}` if the job fails, then `data: [DONE]`.';

function openAiStream(object: string): Record<string, unknown> {
  return sse([object, '[DONE]'], 'Data-only events (no `event:` field), as OpenAI sends them.');
}

const CLUSTER_EVENTS = keysOf<ClusterEventType>({
  snapshot: true,
  host: true,
  host_removed: true,
  host_status: true,
  job: true,
  host_status_error: true,
  workers: true,
  worker_rate: true,
  models_changed: true,
  downloads: true,
  download: true,
});
/** The native task API (`/v2`) and the OpenAI-compatible one (`/v1`). */
export function inferencePaths(): Paths {
  return {
    [API.tasks]: {
      post: op({
        tag: 'tasks',
        summary: 'Enqueue an inference task',
        description:
          'Admission checks the model exists somewhere in the cluster and that the input and ' +
          "`max_tokens` fit the model's context (when a worker reported it); interactive jobs " +
          'wait ahead of batch ones, FIFO within each.',
        body: 'TaskRequest',
        queues: true,
        ok: {
          status: 202,
          description: 'Queued; follow it at events_url.',
          content: json('TaskAccepted'),
        },
      }),
      get: op({
        tag: 'tasks',
        summary: 'List recent tasks, newest first',
        description: 'Tasks the daemon still holds in memory (finished ones are kept 10 min).',
        parameters: [
          query('limit', 'How many tasks to list (1-1000).', {
            type: 'integer',
            minimum: 1,
            maximum: 1000,
            default: 50,
          }),
        ],
        ok: { status: 200, description: 'The tasks.', content: json('JobList') },
      }),
    },
    [template(API.task, 'id')]: {
      get: op({
        tag: 'tasks',
        summary: "Look up a task's status",
        ok: { status: 200, description: 'The task.', content: json('JobRecord') },
      }),
      delete: op({
        tag: 'tasks',
        summary: 'Cancel a task',
        description:
          'A queued task leaves the queue; a running one is stopped on its worker, which frees ' +
          'the slot. Idempotent: a finished task is left as it is.',
        ok: { status: 204, description: 'Cancelled (or already finished).' },
      }),
    },
    [template(API.taskEvents, 'id')]: {
      get: op({
        tag: 'tasks',
        summary: "Follow a task's events",
        description:
          'Each event has an `id`: reconnect with `Last-Event-ID` to resume. A running task whose ' +
          'last reader left is cancelled after a short grace period.',
        ok: {
          status: 200,
          description: 'The event stream, ending with `end` or `error`.',
          content: sse(TASK_EVENTS, 'Payloads: EventPayloads in src/shared/inference.ts.'),
        },
      }),
    },
    [API.openaiModels]: {
      get: op({
        tag: 'openai',
        summary: 'List the models requests may name (OpenAI shape)',
        ok: { status: 200, description: 'The models.', content: json('OpenAiModelList') },
      }),
    },
    [API.chatCompletions]: {
      post: op({
        tag: 'openai',
        summary: 'Create a chat completion (OpenAI-compatible)',
        description: OPENAI_STREAM,
        body: 'ChatCompletionRequest',
        queues: true,
        ok: {
          status: 200,
          description: 'The completion, or its stream.',
          content: { ...json('ChatCompletion'), ...openAiStream('chat.completion.chunk') },
        },
      }),
    },
    [API.completions]: {
      post: op({
        tag: 'openai',
        summary: 'Create a text completion (OpenAI-compatible)',
        description: OPENAI_STREAM,
        body: 'CompletionRequest',
        queues: true,
        ok: {
          status: 200,
          description: 'The completion, or its stream.',
          content: { ...json('TextCompletion'), ...openAiStream('text_completion') },
        },
      }),
    },
  };
}

/** What the daemon is and what it runs on this computer. */
export function daemonPaths(): Paths {
  return {
    [API.models]: {
      get: op({
        tag: 'daemon',
        summary: "List this computer's models and those the hosts' workers serve",
        ok: { status: 200, description: 'The models.', content: json('ModelsResponse') },
      }),
    },
    [API.workers]: {
      get: op({
        tag: 'daemon',
        summary: 'List the workers the daemon started on demand, on every host',
        ok: { status: 200, description: 'The workers.', content: json('WorkersResponse') },
      }),
    },
    [`${API.workers}/{id}/logs`]: {
      get: op({
        tag: 'daemon',
        summary: "Read an on-demand worker's recent log lines",
        ok: { status: 200, description: 'The last lines kept.', content: json('WorkerLogLines') },
      }),
    },
    [API.events]: {
      get: op({
        tag: 'daemon',
        summary: 'Follow the cluster live: hosts, GPU samples, workers, downloads',
        ok: {
          status: 200,
          description:
            'Server-sent events with ids; send Last-Event-ID to resume. A new subscriber first ' +
            'gets `snapshot` (every host as HostView).',
          content: sse(CLUSTER_EVENTS, 'Payloads: ClusterEvent in src/shared/events.ts.'),
        },
      }),
    },
    [API.info]: {
      get: op({
        tag: 'daemon',
        summary: 'Describe this daemon',
        ok: {
          status: 200,
          description: 'Version, models folder, host name.',
          content: json('DaemonInfo'),
        },
      }),
    },
    [API.openapi]: {
      get: op({
        tag: 'daemon',
        summary: 'Get this OpenAPI document',
        ok: { status: 200, description: 'This document.', content: json({ type: 'object' }) },
      }),
    },
    '/metrics': {
      get: op({
        tag: 'daemon',
        summary: 'Read Prometheus metrics',
        ok: {
          status: 200,
          description: 'The text exposition format.',
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
      }),
    },
    [API.health]: {
      get: op({
        tag: 'daemon',
        summary: 'Check that the daemon answers',
        open: true,
        ok: {
          status: 200,
          description: 'Alive.',
          content: json({ type: 'object', properties: { status: { const: 'ok' } } }),
        },
      }),
    },
  };
}
