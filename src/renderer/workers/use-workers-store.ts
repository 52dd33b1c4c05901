import { create } from 'zustand';
import type { ErrorBody, WorkerInfo } from '../../shared/sdk';
import { getClient } from '../api/connection';
import { toUiError } from '../api/error-text';
import { useConnectionStore } from '../api/use-connection-store';

interface WorkersState {
  workers: WorkerInfo[];
  loaded: boolean;
  error: ErrorBody | null;
  /** When the list was last fetched (ms since epoch), for the "updated" hint. */
  updatedAt: number | null;
  refresh: () => Promise<void>;
}

let inFlight = false;

/** The workers the daemon supervises: one process per loaded model. */
export const useWorkersStore = create<WorkersState>()((set) => ({
  workers: [],
  loaded: false,
  error: null,
  updatedAt: null,
  refresh: async () => {
    // Polled every 2 s: a slow daemon must not pile requests up.
    if (inFlight) return;
    inFlight = true;
    try {
      const workers = await getClient().workers();
      set({ workers, loaded: true, error: null, updatedAt: Date.now() });
      useConnectionStore.getState().reachable();
    } catch (err) {
      set({ error: toUiError(err) });
      useConnectionStore.getState().report(err);
    } finally {
      inFlight = false;
    }
  },
}));
