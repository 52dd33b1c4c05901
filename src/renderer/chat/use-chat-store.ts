import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { throttledLocalStorage } from './chat-storage';
import { hydrate } from './chat-reducers';
import { chatSlice, type ChatState } from './chat-slice';
import type { ChatData } from './chat-types';

export { selectActive, selectStreaming, type ChatState } from './chat-slice';

/**
 * The chat: conversations, their messages and the sampling settings, kept in localStorage so a
 * reload loses nothing (until the daemon keeps the history).
 */
export const useChatStore = create<ChatState>()(
  persist(chatSlice, {
    name: 'rbees.chat',
    version: 1,
    storage: throttledLocalStorage<ChatData>(),
    partialize: (s): ChatData => ({
      conversations: s.conversations,
      order: s.order,
      activeId: s.activeId,
      settings: s.settings,
      settingsOpen: s.settingsOpen,
      draft: s.draft,
    }),
    merge: (persisted, current) => ({ ...current, ...hydrate(persisted) }),
  }),
);
