import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { API } from '../../../../shared/api';
import {
  DownloadsResponseSchema,
  StartDownloadResponseSchema,
  StartDownloadSchema,
} from '../../../../shared/host-schemas';
import { checkId, DOWNLOAD_ID } from '../../../../shared/ids';
import type { DownloadEvent } from '../../../../shared/pool-status';
import type { AgentFollowers } from '../../hosts/agent-followers';
import { cancelDownloadOn, listDownloadsOn, startDownloadOn } from '../../hosts/agent-models';
import { downloadFollow } from '../../hosts/follows';
import type { ClusterMonitor } from '../../cluster/cluster-monitor';
import type { HostRegistry } from '../../hosts/host-registry';
import { ByHost, ByHostItem, empty, ERRORS, eventNames, json, sse } from '../route-schemas';
import { relayAgentLines } from './agent-sse';

const TAG = ['host models'];
const DOWNLOAD_EVENTS = eventNames<DownloadEvent['event']>({
  start: true,
  progress: true,
  done: true,
  error: true,
});

/** A host's downloads from Hugging Face: list, start (detached on the host), cancel, follow. */
export function hostDownloadRoutes(
  app: FastifyInstance,
  hosts: HostRegistry,
  monitor: Pick<ClusterMonitor, 'follow'>,
  /** Variables the agent needs for downloads (HF_ENDPOINT, set on the daemon). */
  downloadEnv: Readonly<Record<string, string>>,
  followers: AgentFollowers,
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    `${API.hosts}/:name/downloads`,
    {
      schema: {
        tags: TAG,
        summary: "List a host's downloads",
        params: ByHost,
        response: { 200: json(DownloadsResponseSchema, 'Running and ended.'), ...ERRORS },
      },
    },
    async (request) => ({
      downloads: await listDownloadsOn(await hosts.agent(request.params.name)),
    }),
  );

  api.post(
    `${API.hosts}/:name/downloads`,
    {
      schema: {
        tags: TAG,
        summary: 'Start a download from Hugging Face on a host',
        params: ByHost,
        body: StartDownloadSchema,
        response: {
          202: json(
            StartDownloadResponseSchema,
            'Started; follow it at .../downloads/{id}/events.',
          ),
          ...ERRORS,
        },
      },
    },
    async (request, reply) => {
      const { ref } = request.body;
      const runner = await hosts.agent(request.params.name);
      // Its progress is followed (monitor.follow): refuse now rather than run it unseen.
      followers.ensureRoom(runner.host, `a download of ${ref}`);
      const id = await startDownloadOn(runner, ref, { env: downloadEnv });
      monitor.follow(request.params.name, id);
      return reply.code(202).send({ id });
    },
  );

  api.delete(
    `${API.hosts}/:name/downloads/:id`,
    {
      schema: {
        tags: TAG,
        summary: 'Cancel a download',
        params: ByHostItem,
        response: { 204: empty('Cancelled.'), ...ERRORS },
      },
    },
    async (request, reply) => {
      const id = checkId(DOWNLOAD_ID, 'id', request.params.id);
      await cancelDownloadOn(await hosts.agent(request.params.name), id);
      return reply.code(204).send();
    },
  );

  api.get(
    `${API.hosts}/:name/downloads/:id/events`,
    {
      schema: {
        tags: TAG,
        summary: "Follow a download's progress",
        description:
          'One follower per download on its host, shared by every reader (a late one gets ' +
          '`start` and the latest `progress` first). A host with RBEES_FOLLOWERS_PER_HOST ' +
          '(default 6) distinct logs and downloads followed refuses one more: 429 TOO_MANY_FOLLOWERS.',
        params: ByHostItem,
        response: {
          200: sse(
            'The event stream, ending with `done` or `error`.',
            DOWNLOAD_EVENTS,
            "Each event's data is the agent's JSON line (DownloadEvent in pool-status.ts); " +
              '`error` carries an ErrorBody.',
          ),
          ...ERRORS,
        },
      },
    },
    async (request, reply) => {
      const id = checkId(DOWNLOAD_ID, 'id', request.params.id);
      const runner = await hosts.agent(request.params.name);
      // The follower the monitor already runs for it, if any: one per download, whoever reads.
      const reader = followers.join(downloadFollow(runner, id));
      await relayAgentLines(request, reply, (signal) => reader.lines(signal));
    },
  );
}
