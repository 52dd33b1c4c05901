import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import {
  API,
  type DaemonInfo,
  type ModelsResponse,
  type WorkersResponse,
} from '../../../../shared/api';
import type { ClusterWorkers } from '../../cluster/cluster-workers';
import type { LocalModels } from '../../cluster/local-models';
import type { DaemonMetrics } from '../../metrics';
import type { WorkerSupervisor } from '../../cluster/worker-supervisor';

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
  // This computer's model files, and what the hosts' workers serve (loaded by definition).
  app.get(API.models, async (): Promise<ModelsResponse> => {
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
}
