import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API } from '../../../../shared/api';
import {
  DaemonInfoSchema,
  ModelsResponseSchema,
  WorkerLogLinesSchema,
  WorkersResponseSchema,
} from '../../../../shared/api-schemas';
import type { ClusterWorkers } from '../../cluster/cluster-workers';
import type { LocalModels } from '../../cluster/local-models';
import type { OnDemandWorkers } from '../../cluster/on-demand';
import { onDemandLogs, onDemandWorkers } from '../../cluster/on-demand-view';
import { LOCAL_HOST, type HostRegistry } from '../../hosts/host-registry';
import type { DaemonMetrics } from '../../metrics';
import { ById, ERRORS, json } from '../route-schemas';

const TAG = ['daemon'];

/** The UI's API: models, workers and their logs, what the daemon is. */
export function apiRoutes(
  app: FastifyInstance,
  deps: {
    models: LocalModels;
    onDemand: OnDemandWorkers;
    cluster: ClusterWorkers;
    hosts: HostRegistry;
    metrics: DaemonMetrics;
    modelsDir: string;
    version: string;
  },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // This computer's model files (loaded: a worker of this computer serves it now), and what
  // the other hosts' workers serve (loaded by definition).
  api.get(
    API.models,
    {
      schema: {
        tags: TAG,
        summary: "List this computer's models and those the hosts' workers serve",
        response: { 200: json(ModelsResponseSchema, 'The models.'), ...ERRORS },
      },
    },
    async () => {
      const serving = deps.cluster.list();
      const local = (await deps.models.list()).map((model) => ({
        id: model.id,
        host: LOCAL_HOST,
        size_bytes: model.sizeBytes,
        loaded: serving.some((w) => w.host === LOCAL_HOST && w.model === model.id),
      }));
      const served = serving
        .filter((w) => w.host !== LOCAL_HOST || !local.some((l) => l.id === w.model))
        .map((w) => ({ id: w.model, host: w.host, size_bytes: null, loaded: true }));
      const unique = served.filter(
        (m, i) => served.findIndex((o) => o.id === m.id && o.host === m.host) === i,
      );
      return { models: [...local, ...unique] };
    },
  );

  api.get(
    API.workers,
    {
      schema: {
        tags: TAG,
        summary: 'List the workers the daemon started on demand, on every host',
        response: { 200: json(WorkersResponseSchema, 'The workers.'), ...ERRORS },
      },
    },
    async () => ({ workers: onDemandWorkers(deps.cluster, deps.onDemand) }),
  );

  api.get(
    `${API.workers}/:id/logs`,
    {
      schema: {
        tags: TAG,
        summary: "Read an on-demand worker's recent log lines",
        params: ById,
        response: { 200: json(WorkerLogLinesSchema, 'The last lines kept.'), ...ERRORS },
      },
    },
    async (request) => ({
      lines: await onDemandLogs(deps.hosts, deps.cluster, request.params.id),
    }),
  );

  api.get(
    API.info,
    {
      schema: {
        tags: TAG,
        summary: 'Describe this daemon',
        response: { 200: json(DaemonInfoSchema, 'Version, models folder, host name.'), ...ERRORS },
      },
    },
    async () => ({ version: deps.version, models_dir: deps.modelsDir, hostname: hostname() }),
  );

  api.get(
    '/metrics',
    {
      schema: {
        tags: TAG,
        summary: 'Read Prometheus metrics',
        response: {
          200: {
            description: 'The text exposition format.',
            content: { 'text/plain': { schema: z.string() } },
          },
          ...ERRORS,
        },
      },
    },
    async (_request, reply) => {
      return reply
        .header('content-type', deps.metrics.registry.contentType)
        .send(await deps.metrics.registry.metrics());
    },
  );
}
