import type { FastifyInstance, FastifyReply } from 'fastify';
import { API } from '../../../../shared/api';
import { RbeesError } from '../../../../shared/errors';
import type { JobList, JobRecord, TaskAccepted } from '../../../../shared/inference';
import { TaskListQuerySchema, TaskRequestSchema } from '../../../../shared/schemas';
import { encodeEvent } from '../../../../shared/sse';
import { parseBody } from '../../../../shared/validation';
import type { Job, Jobs } from '../../jobs/jobs';
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

/** The native task API (SYS-5.1): enqueue, follow, look up, list, cancel. */
export function taskRoutes(app: FastifyInstance, jobs: Jobs, history: JobHistory): void {
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

  app.post(API.tasks, async (request, reply) => {
    const job = await submitJob(jobs, reply, parseBody(TaskRequestSchema, request.body));
    const accepted: TaskAccepted = {
      job_id: job.id,
      status: 'queued',
      queue_position: Math.max(0, jobs.queuePosition(job)),
      events_url: API.taskEvents(job.id),
    };
    return reply.code(202).send(accepted);
  });

  app.get(API.tasks, async (request): Promise<JobList> => {
    const { limit } = parseBody(TaskListQuerySchema, request.query);
    const live = new Map(jobs.recent(limit).map((job) => [job.job_id, job]));
    const stored = history.recent(limit).map((job) => live.get(job.job_id) ?? job);
    // Jobs in memory are stored as they are admitted; a store that failed still lists them.
    const listed = new Set(stored.map((job) => job.job_id));
    const merged = [...stored, ...[...live.values()].filter((job) => !listed.has(job.job_id))];
    merged.sort((a, b) => b.created_at.localeCompare(a.created_at));
    return { jobs: merged.slice(0, limit) };
  });

  app.get<{ Params: { id: string } }>(`${API.tasks}/:id/events`, async (request, reply) => {
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
  });

  app.get<{ Params: { id: string } }>(`${API.tasks}/:id`, async (request): Promise<JobRecord> =>
    record(request.params.id),
  );

  // Idempotent: cancelling a finished (or already cancelled) task answers the same.
  app.delete<{ Params: { id: string } }>(`${API.tasks}/:id`, async (request, reply) => {
    try {
      jobs.cancel(request.params.id);
    } catch (err) {
      // Out of memory but stored: it ended long ago (or with a previous daemon).
      if (!history.get(request.params.id)) throw err;
    }
    return reply.code(204).send();
  });
}
