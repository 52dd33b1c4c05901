import type { ConversationSummary, StoredMessage } from '../../shared/conversations';
import type { ChatData, ChatItem, Conversation } from './chat-types';

/**
 * The daemon's history merged into the chat store. What exists only here (made while the
 * daemon's answer was on its way, its writes still queued) is kept; what the daemon has and
 * this page has not is added, messages unloaded until opened.
 */
export function mergeRemoteList(data: ChatData, remote: ConversationSummary[]): ChatData {
  const conversations: Record<string, Conversation> = { ...data.conversations };
  for (const summary of remote) {
    if (conversations[summary.id]) continue;
    const { id, title, created_at, updated_at } = summary;
    conversations[id] = { id, title, created_at, updated_at, messages: [], unloaded: true };
  }
  const order = Object.values(conversations)
    .sort((a, b) => b.updated_at - a.updated_at || a.id.localeCompare(b.id))
    .map((c) => c.id);
  const activeId = data.activeId && conversations[data.activeId] ? data.activeId : order[0];
  return { ...data, conversations, order, activeId: activeId ?? null };
}

/** A conversation's messages as the daemon has them, then any sent here since it was listed. */
export function mergeRemoteMessages(
  data: ChatData,
  conversationId: string,
  remote: StoredMessage[],
): ChatData {
  const conversation = data.conversations[conversationId];
  if (!conversation) return data;
  const known = new Set(remote.map((m) => m.id));
  const messages: ChatItem[] = [
    ...remote,
    ...conversation.messages.filter((m) => !known.has(m.id)),
  ];
  const { unloaded: _loadedNow, ...rest } = conversation;
  return {
    ...data,
    conversations: { ...data.conversations, [conversationId]: { ...rest, messages } },
  };
}
