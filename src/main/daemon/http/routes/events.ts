import type { FastifyInstance } from 'fastify';
import { API } from '../../../../shared/api';
import { encodeSse } from '../../../../shared/sse';
import type { ClusterEvents } from '../../cluster/cluster-events';
import type { ClusterMonitor } from '../../cluster/cluster-monitor';
import { sendSse } from '../sse-reply';

/** `GET /api/events`: the cluster's live events, resumable with Last-Event-ID (see events.ts). */
export function eventRoutes(
  app: FastifyInstance,
  events: ClusterEvents,
  monitor: Pick<ClusterMonitor, 'watch'>,
): void {
  app.get(API.events, async (request, reply) => {
    const header = request.headers['last-event-id'];
    const lastEventId = typeof header === 'string' && header !== '' ? header : undefined;
    monitor.watch();
    await sendSse(request, reply, async function* (signal) {
      for await (const event of events.subscribe(lastEventId, signal)) {
        yield encodeSse({ id: event.id, event: event.type, data: JSON.stringify(event.data) });
      }
    });
  });
}
