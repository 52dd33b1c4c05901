import type { PutMessageRequest } from '../../shared/conversations';
import type { ChatData, ChatItem } from './chat-types';

/** One change to send to the daemon's history, in the order it happened. */
export type HistoryWrite =
  | { type: 'putConversation'; id: string; title: string; created_at: number }
  | { type: 'deleteConversation'; id: string }
  | { type: 'putMessage'; conversationId: string; id: string; message: PutMessageRequest }
  | { type: 'deleteMessage'; conversationId: string; id: string };

/**
 * What changed in the history between two states of the chat store, as writes for the daemon.
 * The reducers keep untouched objects as they were, so comparing by identity finds every change
 * cheaply. A reply still streaming is not written: it is written once, when it ends. A message
 * sent in a conversation whose history is still loading is written like any other.
 */
export function historyWrites(prev: ChatData, next: ChatData): HistoryWrite[] {
  if (prev.conversations === next.conversations) return [];
  const writes: HistoryWrite[] = [];
  for (const id of Object.keys(prev.conversations)) {
    if (!(id in next.conversations)) writes.push({ type: 'deleteConversation', id });
  }
  for (const conversation of Object.values(next.conversations)) {
    const before = prev.conversations[conversation.id];
    if (before === conversation) continue;
    if (!before || before.title !== conversation.title) {
      const { id, title, created_at } = conversation;
      writes.push({ type: 'putConversation', id, title, created_at });
    }
    // Loading a conversation's messages (from the daemon) is not a change to send back.
    if (before?.unloaded && !conversation.unloaded) continue;
    const old = new Map((before?.messages ?? []).map((m) => [m.id, m]));
    for (const message of conversation.messages) {
      if (old.get(message.id) !== message && message.status !== 'streaming') {
        writes.push(putMessage(conversation.id, message));
      }
      old.delete(message.id);
    }
    for (const id of old.keys()) {
      writes.push({ type: 'deleteMessage', conversationId: conversation.id, id });
    }
  }
  return writes;
}

function putMessage(conversationId: string, item: ChatItem): HistoryWrite {
  const { id, role, content, status, created_at, stats, error } = item;
  const message: PutMessageRequest = { role, content, status, created_at };
  if (stats) message.stats = stats;
  if (error) message.error = { code: error.code, message: error.message };
  return { type: 'putMessage', conversationId, id, message };
}
