import { create } from 'zustand';
import type { ErrorBody, ModelInfo } from '../../shared/sdk';
import { getClient } from '../api/connection';
import { toUiError } from '../api/error-text';
import { useConnectionStore } from '../api/use-connection-store';

interface ModelsState {
  models: ModelInfo[];
  /** False until the first answer: "loading" and "no models" are different screens. */
  loaded: boolean;
  loading: boolean;
  error: ErrorBody | null;
  refresh: () => Promise<void>;
}

/** The models the daemon can serve (this computer's models folder, for now). */
export const useModelsStore = create<ModelsState>()((set, get) => ({
  models: [],
  loaded: false,
  loading: false,
  error: null,
  refresh: async () => {
    if (get().loading) return;
    set({ loading: true });
    try {
      const models = await getClient().models();
      models.sort((a, b) => a.id.localeCompare(b.id));
      set({ models, loaded: true, loading: false, error: null });
      useConnectionStore.getState().reachable();
    } catch (err) {
      set({ loading: false, error: toUiError(err) });
      useConnectionStore.getState().report(err);
    }
  },
}));
