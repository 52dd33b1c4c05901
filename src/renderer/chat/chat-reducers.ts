import type { ChatMessage } from '../../shared/sdk';
import { DEFAULT_TEMPERATURE, LIMITS } from './limits';
import type { ChatData, ChatItem, ChatSettings, Conversation, ReplyStats } from './chat-types';

/**
 * The chat's state changes as pure functions (data in, data out), so they are tested without a
 * DOM and the store stays a thin shell. Each returns new objects only along the changed path:
 * untouched messages keep their identity, which is what lets finished messages skip rendering.
 */

export const DEFAULT_SETTINGS: ChatSettings = {
  model: '',
  systemPrompt: '',
  temperature: DEFAULT_TEMPERATURE,
  maxTokens: 512,
};

export const EMPTY_CHAT: ChatData = {
  conversations: {},
  order: [],
  activeId: null,
  settings: DEFAULT_SETTINGS,
  settingsOpen: true,
  draft: '',
};

const TITLE_CHARS = 60;

export function titleFrom(text: string): string {
  const line = text.trim().replace(/\s+/g, ' ');
  if (!line) return 'New chat';
  return line.length > TITLE_CHARS ? `${line.slice(0, TITLE_CHARS - 1)}…` : line;
}

export function createConversation(data: ChatData, id: string, now: number): ChatData {
  const conversation: Conversation = {
    id,
    title: 'New chat',
    created_at: now,
    updated_at: now,
    messages: [],
  };
  return {
    ...data,
    conversations: { ...data.conversations, [id]: conversation },
    order: [id, ...data.order],
    activeId: id,
  };
}

export function deleteConversation(data: ChatData, id: string): ChatData {
  if (!data.conversations[id]) return data;
  const conversations = { ...data.conversations };
  delete conversations[id];
  const order = data.order.filter((other) => other !== id);
  return {
    ...data,
    conversations,
    order,
    activeId: data.activeId === id ? (order[0] ?? null) : data.activeId,
  };
}

function updateConversation(
  data: ChatData,
  id: string,
  update: (conversation: Conversation) => Conversation,
): ChatData {
  const conversation = data.conversations[id];
  if (!conversation) return data;
  return { ...data, conversations: { ...data.conversations, [id]: update(conversation) } };
}

function touch(data: ChatData, id: string): string[] {
  return [id, ...data.order.filter((other) => other !== id)];
}

/** Adds the user's message and an empty assistant reply that the stream fills. */
export function appendExchange(
  data: ChatData,
  conversationId: string,
  user: ChatItem,
  reply: ChatItem,
): ChatData {
  const next = updateConversation(data, conversationId, (c) => ({
    ...c,
    title: c.messages.length === 0 && !c.unloaded ? titleFrom(user.content) : c.title,
    updated_at: reply.created_at,
    messages: [...c.messages, user, reply],
  }));
  return next === data ? data : { ...next, order: touch(next, conversationId) };
}

/** Replaces the last assistant reply (regenerate) with a new, empty one. */
export function replaceLastReply(
  data: ChatData,
  conversationId: string,
  reply: ChatItem,
): ChatData {
  return updateConversation(data, conversationId, (c) => {
    const last = c.messages.at(-1);
    const kept = last?.role === 'assistant' ? c.messages.slice(0, -1) : c.messages;
    return { ...c, updated_at: reply.created_at, messages: [...kept, reply] };
  });
}

function updateMessage(
  data: ChatData,
  conversationId: string,
  messageId: string,
  update: (message: ChatItem) => ChatItem,
): ChatData {
  return updateConversation(data, conversationId, (c) => {
    const index = c.messages.findIndex((m) => m.id === messageId);
    const message = c.messages[index];
    if (!message) return c;
    const messages = c.messages.slice();
    messages[index] = update(message);
    return { ...c, messages };
  });
}

/** One frame's worth of stream: text to append and stats to merge. */
export function applyDelta(
  data: ChatData,
  conversationId: string,
  messageId: string,
  text: string,
  stats: ReplyStats | undefined,
): ChatData {
  if (!text && !stats) return data;
  return updateMessage(data, conversationId, messageId, (m) =>
    m.status !== 'streaming'
      ? m // a late frame after Stop must not change a finished reply
      : {
          ...m,
          content: text ? m.content + text : m.content,
          stats: stats ? { ...m.stats, ...stats } : m.stats,
        },
  );
}

/** Ends a streaming reply as done, stopped or failed; a reply that already ended stays as it is. */
export function finishReply(
  data: ChatData,
  conversationId: string,
  messageId: string,
  outcome: Pick<ChatItem, 'status' | 'error'> & { stats?: ReplyStats },
): ChatData {
  return updateMessage(data, conversationId, messageId, (m) =>
    m.status !== 'streaming'
      ? m
      : {
          ...m,
          status: outcome.status,
          stats: outcome.stats ? { ...m.stats, ...outcome.stats } : m.stats,
          ...(outcome.error ? { error: outcome.error } : {}),
        },
  );
}

/** After a reload no stream is running: what was streaming keeps its text, marked stopped. */
export function recoverInterrupted(data: ChatData): ChatData {
  let changed = false;
  const conversations: Record<string, Conversation> = {};
  for (const [id, c] of Object.entries(data.conversations)) {
    if (!c.messages.some((m) => m.status === 'streaming')) {
      conversations[id] = c;
      continue;
    }
    changed = true;
    conversations[id] = {
      ...c,
      messages: c.messages.map((m) =>
        m.status === 'streaming' ? { ...m, status: 'stopped' as const } : m,
      ),
    };
  }
  return changed ? { ...data, conversations } : data;
}

/**
 * The messages sent for a reply: the system prompt, then the conversation up to (not including)
 * the reply being generated. Failed replies and empty ones are left out: the model should not
 * see an error as something it said.
 */
export function requestMessages(
  conversation: Conversation,
  replyId: string,
  systemPrompt: string,
): ChatMessage[] {
  const out: ChatMessage[] = [];
  const system = systemPrompt.trim();
  if (system) out.push({ role: 'system', content: system });
  for (const m of conversation.messages) {
    if (m.id === replyId) break;
    if (m.role === 'assistant' && (m.status === 'error' || !m.content)) continue;
    out.push({ role: m.role, content: m.content });
  }
  return out;
}

export function clampSettings(settings: ChatSettings): ChatSettings {
  const temperature = Number.isFinite(settings.temperature)
    ? Math.min(LIMITS.temperature.max, Math.max(LIMITS.temperature.min, settings.temperature))
    : DEFAULT_TEMPERATURE;
  const maxTokens = Number.isFinite(settings.maxTokens)
    ? Math.min(LIMITS.maxTokens, Math.max(1, Math.round(settings.maxTokens)))
    : DEFAULT_SETTINGS.maxTokens;
  return { ...settings, temperature, maxTokens };
}
