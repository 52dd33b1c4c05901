import { useEffect } from 'react';
import { create } from 'zustand';
import type { ErrorBody, WorkerInfo } from '../../shared/sdk';
import { getClient } from '../api/connection';
import { toUiError } from '../api/error-text';
import { useConnectionStore } from '../api/use-connection-store';
import { useClusterStore } from '../cluster/use-cluster-store';
import { throttle } from './throttle';

/** At most one re-read a second, however fast cluster events arrive. */
const REFRESH_MIN_MS = 1000;

interface WorkersState {
  /** The workers the daemon starts by itself, on any host, to answer chat. */
  workers: WorkerInfo[];
  loaded: boolean;
  error: ErrorBody | null;
  refresh: () => Promise<void>;
}

let inFlight = false;
let again = false;

/** The daemon's on-demand workers (`GET /api/workers`). */
export const useWorkersStore = create<WorkersState>()((set, get) => ({
  workers: [],
  loaded: false,
  error: null,
  refresh: async () => {
    // A change during a read asks for one more read after it, never a pile of parallel ones.
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    try {
      const workers = await getClient().workers();
      set({ workers, loaded: true, error: null });
      useConnectionStore.getState().reachable();
    } catch (err) {
      set({ error: toUiError(err) });
      useConnectionStore.getState().report(err);
    } finally {
      inFlight = false;
      if (again) {
        again = false;
        void get().refresh();
      }
    }
  },
}));

/**
 * While mounted: reads the on-demand workers now, then again whenever the cluster store changes
 * (each host status, every ~5 s while the UI is open, and right after a spawn or stop), throttled.
 * No timer of its own: the daemon's event stream is the clock.
 */
export function useOnDemandSync(): void {
  useEffect(() => {
    const refresh = () => void useWorkersStore.getState().refresh();
    const throttled = throttle(refresh, REFRESH_MIN_MS);
    throttled.call();
    const unsubscribe = useClusterStore.subscribe(throttled.call);
    return () => {
      unsubscribe();
      throttled.cancel();
    };
  }, []);
}
