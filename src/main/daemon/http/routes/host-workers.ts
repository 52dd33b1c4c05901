import type { FastifyInstance } from 'fastify';
import { API } from '../../../../shared/api';
import type { HostWorkersResponse, SpawnWorkerResponse } from '../../../../shared/hosts';
import { SpawnWorkerSchema } from '../../../../shared/host-schemas';
import { checkId, checkLineCount, WORKER_ID } from '../../../../shared/ids';
import { parseBody } from '../../../../shared/validation';
import type { AgentFollowers } from '../../hosts/agent-followers';
import { agentAnswer, agentLines } from '../../hosts/agent-runner';
import { listWorkers, spawnWorkerOn, withoutSecrets } from '../../hosts/agent-workers';
import { followBacklog, workerLogFollow } from '../../hosts/follows';
import type { HostRegistry } from '../../hosts/host-registry';
import { relayAgentLines } from './agent-sse';

type Host = { Params: { name: string } };
type HostItem = { Params: { name: string; id: string } };
type Logs = HostItem & { Querystring: { follow?: string; lines?: string } };

/** A host's detached workers (`rbees-pool worker …`): list, spawn, stop, logs as SSE. */
export function hostWorkerRoutes(
  app: FastifyInstance,
  hosts: HostRegistry,
  /** Awaited after a spawn or stop, so that routing sees the change before the answer. */
  changed: (host: string) => Promise<void>,
  followers: AgentFollowers,
): void {
  app.get<Host>(`${API.hosts}/:name/workers`, async (request): Promise<HostWorkersResponse> => {
    // The agent's list carries each worker's secret: it stays in the daemon.
    const workers = await listWorkers(await hosts.agent(request.params.name));
    return { workers: withoutSecrets(workers) };
  });

  app.post<Host>(`${API.hosts}/:name/workers`, async (request, reply) => {
    const spec = parseBody(SpawnWorkerSchema, request.body);
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
    return reply.code(201).send(worker satisfies SpawnWorkerResponse);
  });

  app.delete<HostItem>(`${API.hosts}/:name/workers/:id`, async (request, reply) => {
    const { name } = request.params;
    const id = checkId(WORKER_ID, 'id', request.params.id);
    await agentAnswer(await hosts.agent(name), ['worker', 'stop', id], 'stopped');
    await changed(name);
    return reply.code(204).send();
  });

  app.get<Logs>(`${API.hosts}/:name/workers/:id/logs`, async (request, reply) => {
    const { name } = request.params;
    const id = checkId(WORKER_ID, 'id', request.params.id);
    // A repeated `lines` arrives as an array: String() makes it a value the check refuses.
    const raw = request.query.lines;
    const lines = raw === undefined ? undefined : checkLineCount('lines', String(raw));
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
    await relayAgentLines(request, reply, (signal) => agentLines(runner, args, { signal }));
  });
}
