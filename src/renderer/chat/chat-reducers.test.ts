import { describe, expect, it } from 'vitest';
import {
  appendExchange,
  applyDelta,
  clampSettings,
  createConversation,
  deleteConversation,
  EMPTY_CHAT,
  finishReply,
  replaceLastReply,
  requestMessages,
  titleFrom,
} from './chat-reducers';
import type { ChatData, ChatItem } from './chat-types';

const user = (id: string, content: string): ChatItem => ({
  id,
  role: 'user',
  content,
  status: 'done',
  created_at: 1,
});
const reply = (id: string, content = '', status: ChatItem['status'] = 'streaming'): ChatItem => ({
  id,
  role: 'assistant',
  content,
  status,
  created_at: 2,
});

function withExchange(): ChatData {
  const data = createConversation(EMPTY_CHAT, 'c1', 0);
  return appendExchange(data, 'c1', user('u1', 'Hello there'), reply('a1'));
}

describe('conversations', () => {
  it('creates, activates and deletes', () => {
    let data = createConversation(EMPTY_CHAT, 'c1', 0);
    data = createConversation(data, 'c2', 1);
    expect(data.order).toEqual(['c2', 'c1']);
    expect(data.activeId).toBe('c2');
    data = deleteConversation(data, 'c2');
    expect(data.order).toEqual(['c1']);
    expect(data.activeId).toBe('c1');
    expect(deleteConversation(data, 'missing')).toBe(data);
  });

  it('titles a conversation from its first message', () => {
    const data = withExchange();
    expect(data.conversations.c1?.title).toBe('Hello there');
    expect(titleFrom('  ')).toBe('New chat');
    expect(titleFrom('x'.repeat(100))).toHaveLength(60);
  });
});

describe('streaming a reply', () => {
  it('appends text and merges stats, keeping the other messages as they were', () => {
    const before = withExchange();
    const userMessage = before.conversations.c1?.messages[0];
    let data = applyDelta(before, 'c1', 'a1', 'Hel', { model: 'm' });
    data = applyDelta(data, 'c1', 'a1', 'lo', { tokens_per_sec: 12 });
    const [u, a] = data.conversations.c1?.messages ?? [];
    expect(u).toBe(userMessage);
    expect(a?.content).toBe('Hello');
    expect(a?.stats).toEqual({ model: 'm', tokens_per_sec: 12 });
  });

  it('returns the same state for an empty delta', () => {
    const data = withExchange();
    expect(applyDelta(data, 'c1', 'a1', '', undefined)).toBe(data);
  });

  it('ignores deltas and a second finish once the reply ended', () => {
    let data = applyDelta(withExchange(), 'c1', 'a1', 'partial', undefined);
    data = finishReply(data, 'c1', 'a1', { status: 'stopped' });
    const stopped = data;
    data = applyDelta(data, 'c1', 'a1', ' late', undefined);
    data = finishReply(data, 'c1', 'a1', { status: 'done' });
    expect(data.conversations.c1?.messages[1]).toBe(stopped.conversations.c1?.messages[1]);
    expect(data.conversations.c1?.messages[1]?.content).toBe('partial');
    expect(data.conversations.c1?.messages[1]?.status).toBe('stopped');
  });

  it('keeps the error on a failed reply', () => {
    const error = { code: 'MODEL_LOAD_FAILED' as const, message: 'bad file' };
    const data = finishReply(withExchange(), 'c1', 'a1', { status: 'error', error });
    expect(data.conversations.c1?.messages[1]).toMatchObject({ status: 'error', error });
  });
});

describe('regenerate', () => {
  it('replaces the last assistant reply', () => {
    let data = finishReply(applyDelta(withExchange(), 'c1', 'a1', 'one', undefined), 'c1', 'a1', {
      status: 'done',
    });
    data = replaceLastReply(data, 'c1', reply('a2'));
    expect(data.conversations.c1?.messages.map((m) => m.id)).toEqual(['u1', 'a2']);
  });
});

describe('requestMessages', () => {
  it('sends the system prompt and history up to the reply, without failed replies', () => {
    let data = withExchange();
    data = finishReply(data, 'c1', 'a1', {
      status: 'error',
      error: { code: 'INTERNAL', message: 'x' },
    });
    data = appendExchange(data, 'c1', user('u2', 'Again'), reply('a2'));
    const conversation = data.conversations.c1;
    if (!conversation) throw new Error('no conversation');
    expect(requestMessages(conversation, 'a2', ' Be brief. ')).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello there' },
      { role: 'user', content: 'Again' },
    ]);
  });

  it('keeps a stopped partial reply as context', () => {
    let data = applyDelta(withExchange(), 'c1', 'a1', 'Partial', undefined);
    data = finishReply(data, 'c1', 'a1', { status: 'stopped' });
    data = appendExchange(data, 'c1', user('u2', 'Go on'), reply('a2'));
    const conversation = data.conversations.c1;
    if (!conversation) throw new Error('no conversation');
    expect(requestMessages(conversation, 'a2', '').map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'user',
    ]);
  });
});

describe('settings', () => {
  it('clamps sampling settings to the daemon’s limits', () => {
    const s = clampSettings({ model: 'm', systemPrompt: '', temperature: 9, maxTokens: 2 ** 30 });
    expect(s.temperature).toBe(2);
    expect(s.maxTokens).toBe(1_048_576);
    expect(clampSettings({ ...s, maxTokens: 0, temperature: Number.NaN })).toMatchObject({
      maxTokens: 1,
      temperature: 0.7,
    });
  });
});
