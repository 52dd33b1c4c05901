import { HistoryApi } from '../../shared/sdk/history';
import { getClient } from '../api/connection';
import { isRetryable } from '../api/retryable';
import { useFaultStore } from '../api/use-fault-store';
import { clampSettings, DEFAULT_SETTINGS } from './chat-reducers';
import type { ChatData, ChatSettings } from './chat-types';
import { HistoryQueue } from './history-queue';
import { mergeRemoteList, mergeRemoteMessages } from './history-reducers';
import { historyWrites } from './history-writes';
import { takeLegacyHistory, useChatStore } from './use-chat-store';

const SETTINGS_KEY = 'chat';
const SETTINGS_DELAY_MS = 500;
const RETRY_MS = 2000;

/**
 * Keeps the chat store and the daemon's history (SQLite) in step, started once by the app: lists
 * the conversations, fetches a conversation's messages when it is opened, and sends every
 * committed change (see historyWrites) through a queue that outlasts the daemon being away.
 */
export function startChatSync(api = new HistoryApi(getClient())): () => void {
  const queue = new HistoryQueue(api, (write, err) =>
    console.warn(`rbees: the daemon refused a history change (${write.type})`, err.message),
  );
  const loading = new Set<string>();
  let remote = false;
  let stopped = false;
  let settingsTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  /** Applies what the daemon said without sending it back as a change. */
  const applyRemote = (update: (data: ChatData) => ChatData) => {
    remote = true;
    try {
      useChatStore.setState((s) => update(s));
    } finally {
      remote = false;
    }
  };

  const loadMessages = async (id: string) => {
    if (loading.has(id)) return;
    loading.add(id);
    try {
      const { messages } = await api.conversation(id);
      if (!stopped) applyRemote((s) => mergeRemoteMessages(s, id, messages));
    } catch (err) {
      console.warn(`rbees: could not load conversation ${id}`, err);
    } finally {
      loading.delete(id);
    }
  };

  const loadActive = () => {
    const { activeId, conversations } = useChatStore.getState();
    if (activeId && conversations[activeId]?.unloaded) void loadMessages(activeId);
  };

  const load = async () => {
    try {
      const legacy = takeLegacyHistory();
      if (legacy) await api.import(legacy);
      const [list, settings] = await Promise.all([api.conversations(), api.settings()]);
      if (stopped) return;
      const chat = settings[SETTINGS_KEY];
      applyRemote((s) => ({
        ...mergeRemoteList(s, list),
        ...(chat && typeof chat === 'object'
          ? { settings: clampSettings({ ...DEFAULT_SETTINGS, ...(chat as Partial<ChatSettings>) }) }
          : {}),
      }));
      loadActive();
    } catch (err) {
      if (stopped) return;
      // The daemon is away (the connection banner says so): the chat works locally meanwhile.
      if (isRetryable(err)) retryTimer = setTimeout(() => void load(), RETRY_MS);
      // Anything else (an answer the store cannot merge) would fail the same way every time.
      else useFaultStore.getState().report('Loading the chat history', err);
    }
  };

  const unsubscribe = useChatStore.subscribe((next, prev) => {
    if (!remote) {
      queue.push(historyWrites(prev, next));
      if (next.settings !== prev.settings) {
        clearTimeout(settingsTimer);
        settingsTimer = setTimeout(() => {
          void api
            .patchSettings({ [SETTINGS_KEY]: useChatStore.getState().settings })
            .catch((err: unknown) => console.warn('rbees: could not save the chat settings', err));
        }, SETTINGS_DELAY_MS);
      }
    }
    if (next.activeId !== prev.activeId) loadActive();
  });
  void load();

  return () => {
    stopped = true;
    unsubscribe();
    queue.stop();
    clearTimeout(settingsTimer);
    clearTimeout(retryTimer);
  };
}
