import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { API } from '../../../../shared/api';
import type { WorkerLogEvent } from '../../../../shared/hosts';
import {
  HostWorkersResponseSchema,
  LogsQuerySchema,
  SpawnWorkerResponseSchema,
  SpawnWorkerSchema,
} from '../../../../shared/host-schemas';
import { checkId, checkLineCount, WORKER_ID } from '../../../../shared/ids';
import { WorkerLogLineSchema } from '../../../../shared/worker-schemas';
import type { AgentFollowers } from '../../hosts/agent-followers';
import { agentLines } from '../../hosts/agent-calls';
import {
  listWorkers,
  spawnWorkerOn,
  stopWorkerOn,
  withoutSecrets,
} from '../../hosts/agent-workers';
import { followBacklog, workerLogFollow } from '../../hosts/follows';
import type { HostRegistry } from '../../hosts/host-registry';
import { ByHost, ByHostItem, empty, ERRORS, eventNames, json, sse } from '../route-schemas';
import { relayAgentLines } from './agent-sse';

const TAG = ['host workers'];
// `error` is not an agent line but the relay's own last event (agent-sse.ts).
const LOG_EVENTS = eventNames<WorkerLogEvent['event'] | 'error'>({
  log: true,
  logs_end: true,
  error: true,
});

/** A host's detached workers (`rbees-pool worker …`): list, spawn, stop, logs as SSE. */
export function hostWorkerRoutes(
  app: FastifyInstance,
  hosts: HostRegistry,
  /** Awaited after a spawn or stop, so that routing sees the change before the answer. */
  changed: (host: string) => Promise<void>,
  followers: AgentFollowers,
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    `${API.hosts}/:name/workers`,
    {
      schema: {
        tags: TAG,
        summary: "List a host's workers",
        params: ByHost,
        response: { 200: json(HostWorkersResponseSchema, 'The workers.'), ...ERRORS },
      },
    },
    async (request) => {
      // The agent's list carries each worker's secret: it stays in the daemon.
      const workers = await listWorkers(await hosts.agent(request.params.name));
      return { workers: withoutSecrets(workers) };
    },
  );

  api.post(
    `${API.hosts}/:name/workers`,
    {
      schema: {
        tags: TAG,
        summary: 'Spawn a worker on a host',
        params: ByHost,
        body: SpawnWorkerSchema,
        response: { 201: json(SpawnWorkerResponseSchema, 'Ready on the host.'), ...ERRORS },
      },
    },
    async (request, reply) => {
      const spec = request.body;
      const { name } = request.params;
      const runner = await hosts.agent(name);
      const args = [spec.backend, '--model', spec.model];
      if (spec.gpu !== undefined) args.push('--gpu', String(spec.gpu));
      if (spec.slots !== undefined) args.push('--slots', String(spec.slots));
      if (spec.threads !== undefined) args.push('--threads', String(spec.threads));
      if (spec.ctx !== undefined) args.push('--ctx', String(spec.ctx));
      if (spec.restarts !== undefined) args.push('--restarts', String(spec.restarts));
      const { secret: _secret, ...worker } = await spawnWorkerOn(runner, args);
      await changed(name);
      return reply.code(201).send(worker);
    },
  );

  api.delete(
    `${API.hosts}/:name/workers/:id`,
    {
      schema: {
        tags: TAG,
        summary: 'Stop a worker',
        params: ByHostItem,
        response: { 204: empty('Stopped.'), ...ERRORS },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      const id = checkId(WORKER_ID, 'id', request.params.id);
      await stopWorkerOn(await hosts.agent(name), id);
      await changed(name);
      return reply.code(204).send();
    },
  );

  api.get(
    `${API.hosts}/:name/workers/:id/logs`,
    {
      schema: {
        tags: TAG,
        summary: "Read or follow a worker's log",
        description:
          '`follow=1` (or `true`) keeps streaming new lines. One follower per worker, shared by ' +
          'every reader; past RBEES_FOLLOWERS_PER_HOST (default 6) distinct logs and downloads ' +
          'followed on the host, 429 TOO_MANY_FOLLOWERS. `lines`: how many of the last lines ' +
          'to send first (at most 10000 with follow).',
        params: ByHostItem,
        querystring: LogsQuerySchema,
        response: {
          200: sse(
            'The event stream, ending with `logs_end` or `error`.',
            LOG_EVENTS,
            "Each event's data is the agent's JSON line; `error` carries an ErrorBody.",
          ),
          ...ERRORS,
        },
      },
    },
    async (request, reply) => {
      const { name } = request.params;
      const id = checkId(WORKER_ID, 'id', request.params.id);
      const raw = request.query.lines;
      const lines = raw === undefined ? undefined : checkLineCount('lines', raw);
      const runner = await hosts.agent(name);
      if (request.query.follow === '1' || request.query.follow === 'true') {
        // One follower per worker, whoever reads it (TOO_MANY_FOLLOWERS past the host's limit).
        const reader = followers.join(workerLogFollow(runner, id), {
          backlog: followBacklog(lines),
        });
        return relayAgentLines(request, reply, (signal) => reader.lines(signal));
      }
      const args = ['worker', 'logs', id];
      if (lines !== undefined) args.push('--lines', String(lines));
      await relayAgentLines(request, reply, (signal) =>
        agentLines(runner, args, WorkerLogLineSchema, { signal }),
      );
    },
  );
}
