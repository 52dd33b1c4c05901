import { create } from 'zustand';
import type { ErrorBody } from '../../shared/errors';
import type { ModelDetails } from '../../shared/pool-status';
import { getPool } from '../api/connection';
import { toUiError } from '../api/error-text';
import { useModelsStore } from './use-models-store';

/** One host's models folder as last read; kept while a re-read runs, so the list never blinks. */
export interface HostModels {
  modelsDir: string | null;
  models: ModelDetails[];
  /** False until the first answer: "loading" and "no models" are different screens. */
  loaded: boolean;
  loading: boolean;
  error: ErrorBody | null;
}

interface HostModelsState {
  byHost: Record<string, HostModels>;
  /** Download ids the person dismissed from the list (they stay in the host's history). */
  dismissed: Record<string, true>;
  /** The reference of each download started here, by id: its row has a name before its start event. */
  startedRefs: Record<string, string>;
  load: (host: string) => Promise<void>;
  /** Deletes on the host; throws the daemon's error for the dialog to show. */
  remove: (host: string, id: string) => Promise<void>;
  dismiss: (downloadId: string) => void;
  started: (downloadId: string, ref: string) => void;
}

const EMPTY: HostModels = {
  modelsDir: null,
  models: [],
  loaded: false,
  loading: false,
  error: null,
};

/** Answers that arrive after a newer request for the same host was sent are dropped. */
const latest = new Map<string, number>();
let sequence = 0;

/** Each pool host's installed models with their GGUF facts, read on demand (never polled). */
export const useHostModelsStore = create<HostModelsState>()((set, get) => {
  const patch = (host: string, change: Partial<HostModels>) =>
    set((s) => ({ byHost: { ...s.byHost, [host]: { ...(s.byHost[host] ?? EMPTY), ...change } } }));

  return {
    byHost: {},
    dismissed: {},
    startedRefs: {},
    load: async (host) => {
      const ticket = ++sequence;
      latest.set(host, ticket);
      patch(host, { loading: true });
      try {
        const answer = await getPool().models(host);
        if (latest.get(host) !== ticket) return;
        const models = [...answer.models].sort((a, b) => a.id.localeCompare(b.id));
        patch(host, {
          modelsDir: answer.models_dir,
          models,
          loaded: true,
          loading: false,
          error: null,
        });
      } catch (err) {
        if (latest.get(host) !== ticket) return;
        patch(host, { loading: false, error: toUiError(err) });
      }
      // The chat's model picker lists this computer's models: keep it in step.
      if (host === 'local') void useModelsStore.getState().refresh();
    },
    remove: async (host, id) => {
      await getPool().deleteModel(host, id);
      const current = get().byHost[host];
      // Gone at once; the host's models_changed event re-reads the folder to confirm.
      if (current) patch(host, { models: current.models.filter((m) => m.id !== id) });
      void get().load(host);
    },
    dismiss: (downloadId) => set((s) => ({ dismissed: { ...s.dismissed, [downloadId]: true } })),
    started: (downloadId, ref) =>
      set((s) => ({ startedRefs: { ...s.startedRefs, [downloadId]: ref } })),
  };
});

export function emptyHostModels(): HostModels {
  return EMPTY;
}
