import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { ImportConversationsRequest } from '../../shared/conversations';
import { throttledLocalStorage } from './chat-storage';
import { clampSettings, DEFAULT_SETTINGS, EMPTY_CHAT, recoverInterrupted } from './chat-reducers';
import { chatSlice, type ChatState } from './chat-slice';
import type { ChatData, Conversation } from './chat-types';

export { selectActive, selectStreaming, type ChatState } from './chat-slice';

/** What this browser keeps itself; the history and the settings are the daemon's (chat-sync.ts). */
type LocalChat = Pick<ChatData, 'activeId' | 'settings' | 'settingsOpen' | 'draft'>;

let legacy: ImportConversationsRequest | undefined;

/**
 * The history a version-1 page kept in localStorage, handed over once for the daemon to import
 * (chat-sync.ts): after that the daemon has it and this browser no longer does.
 */
export function takeLegacyHistory(): ImportConversationsRequest | undefined {
  const taken = legacy;
  legacy = undefined;
  return taken;
}

function stashLegacy(conversations: Record<string, Conversation>): void {
  const recovered = recoverInterrupted({ ...EMPTY_CHAT, conversations }).conversations;
  const list = Object.values(recovered).map(({ unloaded: _none, messages, ...c }) => ({
    ...c,
    messages: messages.map(({ error, ...m }) => ({
      ...m,
      ...(error ? { error: { code: error.code, message: error.message } } : {}),
    })),
  }));
  if (list.length > 0) legacy = { conversations: list };
}

/**
 * The chat: conversations, their messages and the sampling settings. The daemon keeps the history
 * (chat-sync.ts); localStorage keeps what belongs to this window (open conversation, draft, panel)
 * and a copy of the settings so the first frame already has them.
 */
export const useChatStore = create<ChatState>()(
  persist(chatSlice, {
    name: 'rbees.chat',
    version: 2,
    storage: throttledLocalStorage<LocalChat>(),
    partialize: (s): LocalChat => ({
      activeId: s.activeId,
      settings: s.settings,
      settingsOpen: s.settingsOpen,
      draft: s.draft,
    }),
    migrate: (persisted, version) => {
      const stored = (persisted ?? {}) as Partial<ChatData>;
      if (version < 2 && stored.conversations) stashLegacy(stored.conversations);
      const { conversations: _moved, order: _derived, ...local } = stored;
      return local as LocalChat;
    },
    merge: (persisted, current) => {
      const local = (persisted ?? {}) as Partial<LocalChat>;
      return {
        ...current,
        activeId: typeof local.activeId === 'string' ? local.activeId : null,
        settings: clampSettings({ ...DEFAULT_SETTINGS, ...local.settings }),
        settingsOpen: local.settingsOpen ?? current.settingsOpen,
        draft: typeof local.draft === 'string' ? local.draft : '',
      };
    },
  }),
);
