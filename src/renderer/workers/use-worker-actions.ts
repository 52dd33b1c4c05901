import { create } from 'zustand';
import type { SpawnWorkerRequest } from '../../shared/host-schemas';
import type { SpawnWorkerResponse } from '../../shared/hosts';
import type { ErrorBody } from '../../shared/errors';
import type { WorkerEntry } from '../../shared/pool-status';
import { getPool } from '../api/connection';
import { describeError, toUiError } from '../api/error-text';
import { useClusterStore } from '../cluster/use-cluster-store';
import { workerKey, type PendingAction } from './worker-rows';

/** How long a finished action waits for the event stream to show its effect before letting go. */
const SETTLE_MS = 15_000;

export type SpawnOutcome = { spawned: SpawnWorkerResponse } | { error: ErrorBody };

export interface ActionError {
  id: number;
  text: string;
}

interface WorkerActionsState {
  pending: Record<string, PendingAction>;
  errors: ActionError[];
  /** What this window spawned each worker with: a restart repeats threads, ctx and slots too. */
  requests: Record<string, SpawnWorkerRequest>;
  /** The new worker, or the agent's refusal (the spawn dialog shows it). */
  spawn: (host: string, request: SpawnWorkerRequest) => Promise<SpawnOutcome>;
  stop: (host: string, worker: WorkerEntry) => Promise<void>;
  /** Stop, then spawn the same model the same way; the new worker's id, or null when it failed. */
  restart: (host: string, worker: WorkerEntry) => Promise<string | null>;
  dismiss: (id: number) => void;
}

let nextErrorId = 1;

/** Spawn, stop and restart, and what the table shows while they run. */
export const useWorkerActions = create<WorkerActionsState>()((set, get) => {
  const fail = (text: string) =>
    set((s) => ({ errors: [...s.errors, { id: nextErrorId++, text }] }));
  const setPending = (key: string, action: PendingAction | null) =>
    set((s) => {
      const pending = { ...s.pending };
      if (action) pending[key] = action;
      else delete pending[key];
      return { pending };
    });

  return {
    pending: {},
    errors: [],
    requests: {},
    spawn: async (host, request) => {
      try {
        const spawned = await getPool().spawnWorker(host, request);
        set((s) => ({ requests: { ...s.requests, [workerKey(host, spawned.id)]: request } }));
        return { spawned };
      } catch (err) {
        return { error: toUiError(err) };
      }
    },
    stop: async (host, worker) => {
      const key = workerKey(host, worker.id);
      setPending(key, { kind: 'stopping', host, worker });
      try {
        await getPool().stopWorker(host, worker.id);
        // Keep "Stopping…" until the list drops it, not flash back to Ready before the event.
        await until(() => !isListed(host, worker.id));
      } catch (err) {
        fail(`Could not stop ${worker.model} on ${host}: ${describeError(toUiError(err))}`);
      } finally {
        setPending(key, null);
      }
    },
    restart: async (host, worker) => {
      const key = workerKey(host, worker.id);
      setPending(key, { kind: 'restarting', host, worker });
      const request: SpawnWorkerRequest = get().requests[key] ?? {
        model: worker.model,
        backend: worker.backend,
        ...(worker.gpu !== null ? { gpu: worker.gpu } : {}),
        ...(worker.slots_total !== null ? { slots: worker.slots_total } : {}),
      };
      try {
        await getPool().stopWorker(host, worker.id);
      } catch (err) {
        fail(
          `Could not restart ${worker.model} on ${host}: stopping it failed: ${describeError(toUiError(err))}`,
        );
        setPending(key, null);
        return null;
      }
      const outcome = await get().spawn(host, request);
      if ('error' in outcome) {
        const why = describeError(outcome.error);
        fail(`${worker.model} on ${host} was stopped, but its replacement did not start: ${why}`);
        setPending(key, null);
        return null;
      }
      const { id } = outcome.spawned;
      setPending(key, { kind: 'restarting', host, worker, replacement: id });
      await until(() => isListed(host, id));
      setPending(key, null);
      return id;
    },
    dismiss: (id) => set((s) => ({ errors: s.errors.filter((e) => e.id !== id) })),
  };
});

function isListed(host: string, id: string): boolean {
  const view = useClusterStore.getState().hosts.find((h) => h.info.name === host);
  return view?.workers.some((w) => w.id === id) ?? false;
}

/** Resolves once `check` holds in the cluster store, or after SETTLE_MS either way. */
function until(check: () => boolean): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, SETTLE_MS);
    const unsubscribe = useClusterStore.subscribe(() => {
      if (check()) done();
    });
  });
}
