import type { StateCreator } from 'zustand';
import {
  appendExchange,
  applyDelta,
  clampSettings,
  createConversation,
  deleteConversation,
  EMPTY_CHAT,
  finishReply,
  replaceLastReply,
} from './chat-reducers';
import type { ChatData, ChatItem, ChatSettings, Conversation, ReplyStats } from './chat-types';

interface ChatActions {
  newConversation: () => string;
  selectConversation: (id: string) => void;
  removeConversation: (id: string) => void;
  updateSettings: (patch: Partial<ChatSettings>) => void;
  toggleSettings: () => void;
  setDraft: (draft: string) => void;
  appendExchange: (conversationId: string, user: ChatItem, reply: ChatItem) => void;
  replaceLastReply: (conversationId: string, reply: ChatItem) => void;
  applyDelta: (conversationId: string, messageId: string, text: string, stats?: ReplyStats) => void;
  finishReply: (
    conversationId: string,
    messageId: string,
    outcome: Parameters<typeof finishReply>[3],
  ) => void;
}

export type ChatState = ChatData & ChatActions;

export function newId(): string {
  return crypto.randomUUID();
}

/** The chat store's data and actions, without persistence (the store adds it; tests leave it). */
export const chatSlice: StateCreator<ChatState> = (set) => ({
  ...EMPTY_CHAT,
  newConversation: () => {
    const id = newId();
    set((s) => createConversation(s, id, Date.now()));
    return id;
  },
  selectConversation: (id) => set((s) => (s.conversations[id] ? { activeId: id } : s)),
  removeConversation: (id) => set((s) => deleteConversation(s, id)),
  updateSettings: (patch) => set((s) => ({ settings: clampSettings({ ...s.settings, ...patch }) })),
  toggleSettings: () => set((s) => ({ settingsOpen: !s.settingsOpen })),
  setDraft: (draft) => set({ draft }),
  appendExchange: (c, user, reply) => set((s) => appendExchange(s, c, user, reply)),
  replaceLastReply: (c, reply) => set((s) => replaceLastReply(s, c, reply)),
  applyDelta: (c, m, text, stats) => set((s) => applyDelta(s, c, m, text, stats)),
  finishReply: (c, m, outcome) => set((s) => finishReply(s, c, m, outcome)),
});

/** The conversation on screen, or undefined before the first one. */
export function selectActive(s: ChatData): Conversation | undefined {
  return s.activeId ? s.conversations[s.activeId] : undefined;
}

/** Whether the conversation on screen is waiting for or receiving a reply. */
export function selectStreaming(s: ChatData): boolean {
  return selectActive(s)?.messages.at(-1)?.status === 'streaming';
}
