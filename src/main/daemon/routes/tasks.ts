import type { FastifyInstance } from 'fastify';
import { API } from '../../../shared/api';
import type { TaskAccepted } from '../../../shared/inference';
import { TaskRequestSchema } from '../../../shared/schemas';
import { encodeEvent } from '../../../shared/sse';
import { parseBody } from '../../../shared/validation';
import type { Jobs } from '../jobs';
import { sendSse } from '../sse-reply';

/**
 * How long a running job waits for a client to reconnect (with `Last-Event-ID`) after the last one
 * left, before it is cancelled so that nobody's GPU works for a reader that is gone.
 */
const RESUME_GRACE_MS = 5000;

/** The native task API (SYS-5.1): enqueue, follow, look up, cancel. */
export function taskRoutes(app: FastifyInstance, jobs: Jobs): void {
  app.post(API.tasks, async (request, reply) => {
    const job = await jobs.submit(parseBody(TaskRequestSchema, request.body));
    const accepted: TaskAccepted = {
      job_id: job.id,
      status: 'queued',
      queue_position: Math.max(0, jobs.queuePosition(job)),
      events_url: API.taskEvents(job.id),
    };
    return reply.code(202).send(accepted);
  });

  app.get<{ Params: { id: string } }>(`${API.tasks}/:id/events`, async (request, reply) => {
    const job = jobs.get(request.params.id);
    const lastEventId = request.headers['last-event-id'];
    await sendSse(request, reply, async function* (signal) {
      for await (const event of job.events.subscribe(lastEventId as string | undefined, signal)) {
        yield encodeEvent(event);
      }
    });
    if (!job.events.finished && job.events.subscriberCount === 0) {
      setTimeout(() => {
        if (!job.events.finished && job.events.subscriberCount === 0) jobs.cancel(job.id);
      }, RESUME_GRACE_MS).unref();
    }
  });

  app.get<{ Params: { id: string } }>(`${API.tasks}/:id`, async (request) => {
    const job = jobs.get(request.params.id);
    return {
      job_id: job.id,
      status: job.status,
      model: job.modelId,
      created_at: new Date(job.createdAt).toISOString(),
      queue_position: job.status === 'queued' ? jobs.queuePosition(job) : null,
    };
  });

  app.delete<{ Params: { id: string } }>(`${API.tasks}/:id`, async (request, reply) => {
    jobs.cancel(request.params.id);
    return reply.code(204).send();
  });
}
