import { create } from 'zustand';
import { applyClusterEvent } from '../../shared/cluster-state';
import type { ClusterEvent, HostView } from '../../shared/events';

/**
 * `connecting`: no snapshot yet; `live`: following; `reconnecting`: the stream dropped; `failed`:
 * it stopped on a bug (the fault banner says which).
 */
export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'failed';

interface ClusterState {
  hosts: HostView[];
  live: LiveState;
  /** Bumped per host on `models_changed`: model lists re-read when theirs changes. */
  modelsVersion: Record<string, number>;
  apply: (event: ClusterEvent) => void;
  setLive: (live: LiveState) => void;
}

/** The cluster as the daemon's event stream describes it: the UI's one source of live data. */
export const useClusterStore = create<ClusterState>()((set) => ({
  hosts: [],
  live: 'connecting',
  modelsVersion: {},
  apply: (event) =>
    set((state) => {
      const next = applyClusterEvent({ hosts: state.hosts }, event);
      const changed =
        event.type === 'models_changed'
          ? {
              modelsVersion: {
                ...state.modelsVersion,
                [event.data.host]: (state.modelsVersion[event.data.host] ?? 0) + 1,
              },
            }
          : {};
      return {
        hosts: next.hosts,
        ...changed,
        ...(event.type === 'snapshot' ? { live: 'live' } : {}),
      };
    }),
  setLive: (live) => set({ live }),
}));
