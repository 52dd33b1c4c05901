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
import type { DaemonMetrics } from '../../metrics';
import type { WorkerSupervisor } from '../../cluster/worker-supervisor';
import { ById, ERRORS, json } from '../route-schemas';

const TAG = ['daemon'];

/** The UI's API: models, workers and their logs, what the daemon is. */
export function apiRoutes(
  app: FastifyInstance,
  deps: {
    models: LocalModels;
    supervisor: WorkerSupervisor;
    cluster: ClusterWorkers;
    metrics: DaemonMetrics;
    modelsDir: string;
    version: string;
  },
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // This computer's model files, and what the hosts' workers serve (loaded by definition).
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
      const local = (await deps.models.list()).map((model) => ({
        id: model.id,
        host: 'local',
        size_bytes: model.sizeBytes,
        loaded: deps.supervisor.get(model.id)?.state === 'ready',
      }));
      const served = deps.cluster
        .models()
        .filter((m) => !local.some((l) => l.id === m.id && m.host === 'local'))
        .map((m) => ({ id: m.id, host: m.host, size_bytes: null, loaded: true }));
      return { models: [...local, ...served] };
    },
  );

  api.get(
    API.workers,
    {
      schema: {
        tags: TAG,
        summary: "List this computer's supervised workers",
        response: { 200: json(WorkersResponseSchema, 'The workers.'), ...ERRORS },
      },
    },
    async () => ({ workers: deps.supervisor.list() }),
  );

  api.get(
    `${API.workers}/:id/logs`,
    {
      schema: {
        tags: TAG,
        summary: "Read a supervised worker's recent log lines",
        params: ById,
        response: { 200: json(WorkerLogLinesSchema, 'The last lines kept.'), ...ERRORS },
      },
    },
    async (request) => ({ lines: deps.supervisor.logs(request.params.id) }),
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
