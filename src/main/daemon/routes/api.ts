import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import {
  API,
  type DaemonInfo,
  type ModelsResponse,
  type WorkersResponse,
} from '../../../shared/api';
import type { LocalModels } from '../local-models';
import type { DaemonMetrics } from '../metrics';
import type { WorkerSupervisor } from '../worker-supervisor';

/** The UI's API: models, workers and their logs, what the daemon is. */
export function apiRoutes(
  app: FastifyInstance,
  deps: {
    models: LocalModels;
    supervisor: WorkerSupervisor;
    metrics: DaemonMetrics;
    modelsDir: string;
    version: string;
  },
): void {
  app.get(API.models, async (): Promise<ModelsResponse> => {
    const models = await deps.models.list();
    return {
      models: models.map((model) => ({
        id: model.id,
        host: 'local',
        size_bytes: model.sizeBytes,
        loaded: deps.supervisor.get(model.id)?.state === 'ready',
      })),
    };
  });

  app.get(API.workers, async (): Promise<WorkersResponse> => ({ workers: deps.supervisor.list() }));

  app.get<{ Params: { id: string } }>(`${API.workers}/:id/logs`, async (request) => ({
    lines: deps.supervisor.logs(request.params.id),
  }));

  app.get(API.info, async (): Promise<DaemonInfo> => ({
    version: deps.version,
    models_dir: deps.modelsDir,
    hostname: hostname(),
  }));

  app.get('/metrics', async (_request, reply) => {
    return reply
      .header('content-type', deps.metrics.registry.contentType)
      .send(await deps.metrics.registry.metrics());
  });

  app.get(API.health, async () => ({ status: 'ok' }));
}
