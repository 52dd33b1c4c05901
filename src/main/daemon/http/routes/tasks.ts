import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { API } from '../../../../shared/api';
import { JobListSchema, JobRecordSchema, TaskAcceptedSchema } from '../../../../shared/api-schemas';
import { RbeesError } from '../../../../shared/errors';
import type { EventType, JobRecord } from '../../../../shared/inference';
import { TaskListQuerySchema, TaskRequestSchema } from '../../../../shared/schemas';
import { encodeEvent } from '../../../../shared/sse';
import type { Job, Jobs } from '../../jobs/jobs';
import { ById, empty, ERRORS, eventNames, json, QUEUE_FULL, sse } from '../route-schemas';
import { sendSse } from '../sse-reply';

/** Jobs that left memory, as the store keeps them. */
export interface JobHistory {
  get(id: string): JobRecord | undefined;
  recent(limit: number): JobRecord[];
}

/**
 * Submits a job; a full queue's QUEUE_FULL also sets `Retry-After` (from the error's details)
 * before the server's error handler answers 429.
 */
export async function submitJob(
  jobs: Jobs,
  reply: FastifyReply,
  request: Parameters<Jobs['submit']>[0],
): Promise<Job> {
  try {
    return await jobs.submit(request);
  } catch (err) {
    if (err instanceof RbeesError && err.code === 'QUEUE_FULL') {
      const seconds = err.details?.retry_after_s;
      reply.header('retry-after', String(typeof seconds === 'number' ? seconds : 1));
    }
    throw err;
  }
}

const TAG = ['tasks'];
const TASK_EVENTS = eventNames<EventType>({
  queued: true,
  started: true,
  token: true,
  tool_call: true,
  embedding: true,
  metrics: true,
  end: true,
  error: true,
});

/** The native task API (SYS-5.1): enqueue, follow, look up, list, cancel. */
export function taskRoutes(app: FastifyInstance, jobs: Jobs, history: JobHistory): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  /** The live record while the job is in memory, else the stored one. */
  const record = (id: string): JobRecord => {
    try {
      return jobs.record(jobs.get(id));
    } catch (err) {
      const stored = history.get(id);
      if (stored) return stored;
      throw err;
    }
  };

  api.post(
    API.tasks,
    {
      schema: {
        tags: TAG,
        summary: 'Enqueue an inference task',
        description:
          'Admission checks the model exists somewhere in the cluster and that the input and ' +
          "`max_tokens` fit the model's context (when a worker reported it); interactive jobs " +
          'wait ahead of batch ones, FIFO within each. Give exactly one of `prompt` or `messages`.',
        body: TaskRequestSchema,
        response: {
          202: json(TaskAcceptedSchema, 'Queued; follow it at events_url.'),
          ...QUEUE_FULL,
          ...ERRORS,
        },
      },
    },
    async (request, reply) => {
      const job = await submitJob(jobs, reply, request.body);
      return reply.code(202).send({
        job_id: job.id,
        status: 'queued',
        queue_position: Math.max(0, jobs.queuePosition(job)),
        events_url: API.taskEvents(job.id),
      });
    },
  );

  api.get(
    API.tasks,
    {
      schema: {
        tags: TAG,
        summary: 'List recent tasks, newest first',
        description: 'Tasks the daemon still holds in memory (finished ones are kept 10 min).',
        querystring: TaskListQuerySchema,
        response: { 200: json(JobListSchema, 'The tasks.'), ...ERRORS },
      },
    },
    async (request) => {
      const { limit } = request.query;
      const live = new Map(jobs.recent(limit).map((job) => [job.job_id, job]));
      const stored = history.recent(limit).map((job) => live.get(job.job_id) ?? job);
      // Jobs in memory are stored as they are admitted; a store that failed still lists them.
      const listed = new Set(stored.map((job) => job.job_id));
      const merged = [...stored, ...[...live.values()].filter((job) => !listed.has(job.job_id))];
      merged.sort((a, b) => b.created_at.localeCompare(a.created_at));
      return { jobs: merged.slice(0, limit) };
    },
  );

  api.get(
    `${API.tasks}/:id/events`,
    {
      schema: {
        tags: TAG,
        summary: "Follow a task's events",
        description:
          'Each event has an `id`: reconnect with `Last-Event-ID` to resume. A running task whose ' +
          'last reader left is cancelled after a short grace period.',
        params: ById,
        response: {
          200: sse(
            'The event stream, ending with `end` or `error`.',
            TASK_EVENTS,
            'Payloads: EventPayloads in src/shared/inference.ts.',
          ),
          ...ERRORS,
        },
      },
    },
    async (request, reply) => {
      const job = jobs.get(request.params.id);
      const lastEventId = request.headers['last-event-id'];
      await sendSse(request, reply, async function* (signal) {
        for await (const event of job.events.subscribe(lastEventId as string | undefined, signal)) {
          yield encodeEvent(event);
        }
      });
      // The last reader left mid-job: nobody's GPU works for a reader that is gone. (A finished
      // job's events can still be read again, from the start or after `Last-Event-ID`.)
      if (!job.events.finished && job.events.subscriberCount === 0) jobs.cancelJob(job);
    },
  );

  api.get(
    `${API.tasks}/:id`,
    {
      schema: {
        tags: TAG,
        summary: "Look up a task's status",
        params: ById,
        response: { 200: json(JobRecordSchema, 'The task.'), ...ERRORS },
      },
    },
    async (request) => record(request.params.id),
  );

  // Idempotent: cancelling a finished (or already cancelled) task answers the same.
  api.delete(
    `${API.tasks}/:id`,
    {
      schema: {
        tags: TAG,
        summary: 'Cancel a task',
        description:
          'A queued task leaves the queue; a running one is stopped on its worker, which frees ' +
          'the slot. Idempotent: a finished task is left as it is.',
        params: ById,
        response: { 204: empty('Cancelled (or already finished).'), ...ERRORS },
      },
    },
    async (request, reply) => {
      try {
        jobs.cancel(request.params.id);
      } catch (err) {
        // Out of memory but stored: it ended long ago (or with a previous daemon).
        if (!history.get(request.params.id)) throw err;
      }
      return reply.code(204).send();
    },
  );
}
