import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { isViewId, type ViewId } from './views';

interface AppState {
  view: ViewId;
  setView: (view: ViewId) => void;
}

/** Which view is on screen; kept so a reload comes back to it. */
export const useAppStore = create<AppState>()(
  persist(
    (set) => ({
      view: 'chat',
      setView: (view) => set({ view }),
    }),
    {
      name: 'rbees.app',
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({ view: s.view }),
      merge: (persisted, current) => {
        const view = (persisted as { view?: unknown } | null)?.view;
        return isViewId(view) ? { ...current, view } : current;
      },
    },
  ),
);
