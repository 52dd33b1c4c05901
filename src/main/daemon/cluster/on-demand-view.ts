import type { WorkerInfo, WorkerState } from '../../../shared/api';
import { RbeesError } from '../../../shared/errors';
import type { WorkerEntry } from '../../../shared/pool-status';
import { WorkerLogLineSchema } from '../../../shared/worker-schemas';
import { agentCall } from '../hosts/agent-calls';
import type { HostRegistry } from '../hosts/host-registry';
import type { ClusterWorkers } from './cluster-workers';
import { onDemandId, type OnDemandWorkers } from './on-demand';

/** As many lines as the daemon kept in memory of a worker it ran itself, before agents ran them. */
const LOG_LINES = 2000;

/**
 * `GET /api/workers`: the daemon's on-demand workers on every host (on-demand.ts), in the shape
 * the API has always given them, with the slots this daemon has taken on each.
 */
export function onDemandWorkers(cluster: ClusterWorkers, starter: OnDemandWorkers): WorkerInfo[] {
  const serving = new Map(cluster.list().map((w) => [`${w.host}/${w.id}`, w]));
  const listed = cluster
    .entries()
    .filter(({ entry }) => entry.on_demand === true)
    .map(({ host, entry }): WorkerInfo => {
      const worker = serving.get(`${host}/${entry.id}`);
      return {
        ...{ id: entry.id, model: entry.model, host, port: entry.port, pid: entry.pid },
        ...{ state: stateOf(entry, worker !== undefined, cluster.isStopping(host, entry.id)) },
        backend: entry.backend,
        ...{ slots_total: worker?.slots ?? entry.slots_total ?? 0, slots_busy: worker?.busy ?? 0 },
        ...{ restarts: entry.restarts ?? 0, last_error: entry.last_error ?? null },
      };
    });
  const starting = starter
    .startingNow()
    .filter(({ model, host }) => !listed.some((w) => w.model === model && w.host === host))
    .map(({ model, host }): WorkerInfo => ({
      ...{ id: host === null ? model : onDemandId(host, model), model, host: host ?? '' },
      ...{ port: null, pid: null },
      ...{ state: 'starting', backend: null, slots_total: 0, slots_busy: 0 },
      ...{ restarts: 0, last_error: null },
    }));
  return [...listed, ...starting];
}

/** The API's older states: a worker between two runs, or given up on, is `crashed`. */
function stateOf(entry: WorkerEntry, serving: boolean, stopping: boolean): WorkerState {
  if (stopping) return 'stopping';
  if (serving) return 'ready';
  switch (entry.status) {
    case 'starting':
      return 'starting';
    case 'ready':
      return 'ready';
    case 'restarting':
    case 'failed':
    case 'unresponsive':
      return 'crashed';
  }
}

/** `GET /api/workers/:id/logs`: the end of an on-demand worker's log, read by its host's agent. */
export async function onDemandLogs(
  hosts: HostRegistry,
  cluster: ClusterWorkers,
  id: string,
): Promise<string[]> {
  const found = cluster.entries().find(({ entry }) => entry.on_demand === true && entry.id === id);
  if (!found) throw new RbeesError('NOT_FOUND', `No worker "${id}".`);
  const lines = await agentCall(
    await hosts.agent(found.host),
    ['worker', 'logs', id, '--lines', String(LOG_LINES)],
    WorkerLogLineSchema,
  );
  return lines.flatMap((line) => (line.event === 'log' ? [line.line] : []));
}
