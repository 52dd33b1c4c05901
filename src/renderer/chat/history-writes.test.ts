import { describe, expect, it } from 'vitest';
import {
  appendExchange,
  createConversation,
  deleteConversation,
  EMPTY_CHAT,
  finishReply,
  applyDelta,
  replaceLastReply,
} from './chat-reducers';
import type { ChatItem } from './chat-types';
import { mergeRemoteList, mergeRemoteMessages } from './history-reducers';
import { historyWrites } from './history-writes';

const user: ChatItem = { id: 'u1', role: 'user', content: 'Hello', status: 'done', created_at: 5 };
const reply = (id: string): ChatItem => ({
  id,
  role: 'assistant',
  content: '',
  status: 'streaming',
  created_at: 6,
});

describe('historyWrites', () => {
  it('writes a new conversation and the sent message, then the reply only when it ends', () => {
    const empty = createConversation(EMPTY_CHAT, 'c1', 1);
    expect(historyWrites(EMPTY_CHAT, empty)).toEqual([
      { type: 'putConversation', id: 'c1', title: 'New chat', created_at: 1 },
    ]);
    const sent = appendExchange(empty, 'c1', user, reply('a1'));
    expect(historyWrites(empty, sent)).toEqual([
      { type: 'putConversation', id: 'c1', title: 'Hello', created_at: 1 },
      {
        type: 'putMessage',
        conversationId: 'c1',
        id: 'u1',
        message: { role: 'user', content: 'Hello', status: 'done', created_at: 5 },
      },
    ]);
    const streaming = applyDelta(sent, 'c1', 'a1', 'Hi', { host: 'mac' });
    expect(historyWrites(sent, streaming)).toEqual([]);
    const done = finishReply(streaming, 'c1', 'a1', { status: 'done', stats: { tokens_out: 1 } });
    expect(historyWrites(streaming, done)).toEqual([
      {
        type: 'putMessage',
        conversationId: 'c1',
        id: 'a1',
        message: {
          role: 'assistant',
          content: 'Hi',
          status: 'done',
          created_at: 6,
          stats: { host: 'mac', tokens_out: 1 },
        },
      },
    ]);
  });

  it('deletes a regenerated reply and a deleted conversation', () => {
    const sent = appendExchange(createConversation(EMPTY_CHAT, 'c1', 1), 'c1', user, reply('a1'));
    const regenerated = replaceLastReply(sent, 'c1', reply('a2'));
    expect(historyWrites(sent, regenerated)).toEqual([
      { type: 'deleteMessage', conversationId: 'c1', id: 'a1' },
    ]);
    expect(historyWrites(regenerated, deleteConversation(regenerated, 'c1'))).toEqual([
      { type: 'deleteConversation', id: 'c1' },
    ]);
  });

  it('sends only the code and message of an error, not its details', () => {
    const sent = appendExchange(createConversation(EMPTY_CHAT, 'c1', 1), 'c1', user, reply('a1'));
    const failed = finishReply(sent, 'c1', 'a1', {
      status: 'error',
      error: { code: 'WORKER_CRASHED', message: 'gone', details: { pid: 4 } },
    });
    expect(historyWrites(sent, failed)).toMatchObject([
      { type: 'putMessage', message: { error: { code: 'WORKER_CRASHED', message: 'gone' } } },
    ]);
  });

  it('writes the loaded messages back never, and one sent while loading like any other', () => {
    const listed = mergeRemoteList(EMPTY_CHAT, [
      { id: 'c9', title: 'Old', created_at: 1, updated_at: 2, message_count: 1 },
    ]);
    const typed = appendExchange(listed, 'c9', user, reply('a1'));
    expect(historyWrites(listed, typed)).toMatchObject([
      { type: 'putMessage', conversationId: 'c9', id: 'u1' },
    ]);
    const loaded = mergeRemoteMessages(typed, 'c9', [{ ...user, id: 'm' }]);
    expect(historyWrites(typed, loaded)).toEqual([]);
  });
});

describe('merging the daemon history', () => {
  it('lists remote conversations unloaded, keeps local ones, orders by last update', () => {
    const local = createConversation(EMPTY_CHAT, 'here', 50);
    const merged = mergeRemoteList(local, [
      { id: 'a', title: 'A', created_at: 1, updated_at: 10, message_count: 2 },
      { id: 'b', title: 'B', created_at: 1, updated_at: 90, message_count: 0 },
    ]);
    expect(merged.order).toEqual(['b', 'here', 'a']);
    expect(merged.conversations.a).toMatchObject({ messages: [], unloaded: true });
    expect(merged.activeId).toBe('here');
    expect(mergeRemoteList(EMPTY_CHAT, []).activeId).toBeNull();
  });

  it('puts messages sent before the load finished after the stored ones', () => {
    const listed = mergeRemoteList(EMPTY_CHAT, [
      { id: 'a', title: 'A', created_at: 1, updated_at: 10, message_count: 1 },
    ]);
    const typed = appendExchange(listed, 'a', { ...user, id: 'new' }, reply('r'));
    const loaded = mergeRemoteMessages(typed, 'a', [{ ...user, id: 'old', content: 'before' }]);
    expect(loaded.conversations.a?.messages.map((m) => m.id)).toEqual(['old', 'new', 'r']);
    expect(loaded.conversations.a?.unloaded).toBeUndefined();
  });
});
