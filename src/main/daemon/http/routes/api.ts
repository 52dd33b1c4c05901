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
import type { OnDemandWorkers } from '../../cluster/on-demand';
import { onDemandLogs, onDemandWorkers } from '../../cluster/on-demand-view';
import { LOCAL_HOST, type HostRegistry } from '../../hosts/host-registry';
import type { DaemonMetrics } from '../../metrics';

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
  // This computer's model files (loaded: a worker of this computer serves it now), and what
  // the other hosts' workers serve (loaded by definition).
  app.get(API.models, async (): Promise<ModelsResponse> => {
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
  });

  // The workers the daemon started by itself for its jobs, on every host.
  app.get(API.workers, async (): Promise<WorkersResponse> => ({
    workers: onDemandWorkers(deps.cluster, deps.onDemand),
  }));

  app.get<{ Params: { id: string } }>(`${API.workers}/:id/logs`, async (request) => ({
    lines: await onDemandLogs(deps.hosts, deps.cluster, request.params.id),
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
