import type { FastifyInstance } from 'fastify';
import { API } from '../../../../shared/api';
import type { ClusterEventType } from '../../../../shared/events';
import { encodeSse } from '../../../../shared/sse';
import type { ClusterEvents } from '../../cluster/cluster-events';
import type { ClusterMonitor } from '../../cluster/cluster-monitor';
import { ERRORS, eventNames, sse } from '../route-schemas';
import { sendSse } from '../sse-reply';

const EVENTS = eventNames<ClusterEventType>({
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

/** `GET /api/events`: the cluster's live events, resumable with Last-Event-ID (see events.ts). */
export function eventRoutes(
  app: FastifyInstance,
  events: ClusterEvents,
  monitor: Pick<ClusterMonitor, 'watch'>,
): void {
  const schema = {
    tags: ['daemon'],
    summary: 'Follow the cluster live: hosts, GPU samples, workers, downloads',
    response: {
      200: sse(
        'Server-sent events with ids; send Last-Event-ID to resume. A new subscriber first ' +
          'gets `snapshot` (every host as HostView).',
        EVENTS,
        'Payloads: ClusterEvent in src/shared/events.ts.',
      ),
      ...ERRORS,
    },
  };
  app.get(API.events, { schema }, async (request, reply) => {
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
