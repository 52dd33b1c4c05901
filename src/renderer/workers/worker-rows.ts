import { canServe } from '../../shared/hosts';
import type { HostView } from '../../shared/events';
import type { WorkerEntry } from '../../shared/pool-status';

/** What this window is doing to a worker right now. */
export interface PendingAction {
  kind: 'stopping' | 'restarting';
  host: string;
  /** The worker as it was when the action started. */
  worker: WorkerEntry;
  /** Restart: the new worker's id once it is up. */
  replacement?: string;
}

/** One line of the workers table. */
export interface WorkerRow {
  key: string;
  host: string;
  worker: WorkerEntry;
  pending: PendingAction['kind'] | null;
  /** Decode tokens/s of its last reply through this daemon, if it gave one. */
  rate: number | null;
  /**
   * Stopped for a restart and gone from the agent's list, its replacement not there yet: kept in
   * place so the table does not lose a row and gain one a few seconds later.
   */
  ghost: boolean;
}

export const workerKey = (host: string, id: string): string => `${host}/${id}`;

/**
 * Every worker someone started, on every host, in a stable order: host, then model, then start
 * time. The daemon's own on-demand workers are listed apart (on-demand-section.tsx).
 */
export function buildRows(hosts: HostView[], pending: Record<string, PendingAction>): WorkerRow[] {
  const rows: WorkerRow[] = [];
  const present = new Set<string>();
  hosts.forEach((host) => {
    for (const worker of host.workers) {
      if (worker.on_demand === true) continue;
      const key = workerKey(host.info.name, worker.id);
      present.add(key);
      rows.push({
        key,
        host: host.info.name,
        worker,
        pending: pending[key]?.kind ?? null,
        rate: host.worker_rates[worker.id] ?? null,
        ghost: false,
      });
    }
  });
  for (const [key, action] of Object.entries(pending)) {
    if (action.kind !== 'restarting' || present.has(key)) continue;
    const replaced = action.replacement && present.has(workerKey(action.host, action.replacement));
    if (!replaced)
      rows.push({
        key,
        host: action.host,
        worker: action.worker,
        pending: 'restarting',
        rate: null,
        ghost: true,
      });
  }
  const hostOrder = new Map(hosts.map((h, i) => [h.info.name, i]));
  return rows.sort(
    (a, b) =>
      (hostOrder.get(a.host) ?? 0) - (hostOrder.get(b.host) ?? 0) ||
      a.worker.model.localeCompare(b.worker.model) ||
      a.worker.started_at.localeCompare(b.worker.started_at),
  );
}

/** Hosts a worker can be spawned on: connected, with a status that lists their models. */
export function spawnableHosts(hosts: HostView[]): HostView[] {
  return hosts.filter((h) => canServe(h.info) && h.status !== null);
}
