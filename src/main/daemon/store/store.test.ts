import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PutMessageRequest } from '../../../shared/conversations';
import { SCHEMA_VERSION, userVersion } from './migrations';
import { openDatabase } from './sqlite';
import { Store } from './store';

let home: string;
interface TestJob {
  job_id: string;
  status: string;
  queue_position?: number | null;
  finished_at?: string | null;
  error?: { code: 'CANCELLED'; message: string };
}
let store: Store<TestJob>;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'rbees-store-'));
  store = Store.open(home);
});
afterEach(async () => {
  store.close();
  await rm(home, { recursive: true, force: true });
});

const message = (
  content: string,
  status: PutMessageRequest['status'] = 'done',
): PutMessageRequest => ({
  role: 'user',
  content,
  status,
  created_at: 1000,
});

describe('Store.open', () => {
  it('creates the schema once and reopens without change', () => {
    store.close();
    const db = openDatabase(join(home, 'rbees.db'));
    expect(userVersion(db)).toBe(SCHEMA_VERSION);
    expect((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe(
      'wal',
    );
    db.close();
    store = Store.open(home);
    expect(store.conversations.list()).toEqual([]);
  });

  it('refuses a database written by a newer rbees, naming the file and the way out', () => {
    store.close();
    const db = openDatabase(join(home, 'rbees.db'));
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => Store.open(home)).toThrow(/newer rbees.*Update rbees, or move the file away/);
    store = Store.open(join(home, 'other'));
  });
});

describe('conversations', () => {
  it('keeps messages in the order they were first written, replacing in place', () => {
    store.conversations.put('c1', 'First', 10);
    store.conversations.putMessage('c1', 'm1', message('hello'), 11);
    store.conversations.putMessage(
      'c1',
      'm2',
      { ...message('', 'streaming'), role: 'assistant' },
      12,
    );
    store.conversations.putMessage('c1', 'm3', message('again'), 13);
    store.conversations.putMessage(
      'c1',
      'm2',
      {
        ...message('Hi there', 'done'),
        role: 'assistant',
        stats: { host: 'mac', worker: 'w1', tokens_per_sec: 41.5, stop_reason: 'eos' },
      },
      14,
    );
    const got = store.conversations.get('c1');
    expect(got.messages.map((m) => [m.id, m.content, m.status])).toEqual([
      ['m1', 'hello', 'done'],
      ['m2', 'Hi there', 'done'],
      ['m3', 'again', 'done'],
    ]);
    expect(got.messages[1]?.stats).toEqual({
      host: 'mac',
      worker: 'w1',
      tokens_per_sec: 41.5,
      stop_reason: 'eos',
    });
    expect(got).toMatchObject({ title: 'First', created_at: 10, updated_at: 14, message_count: 3 });
  });

  it('lists the most recently updated first and renames without losing messages', () => {
    store.conversations.put('old', 'Old', 1);
    store.conversations.put('new', 'New', 2);
    expect(store.conversations.list().map((c) => c.id)).toEqual(['new', 'old']);
    store.conversations.putMessage('old', 'm', message('x'), 3);
    expect(store.conversations.put('old', 'Renamed', 4)).toBe(false);
    expect(store.conversations.list().map((c) => [c.id, c.title, c.message_count])).toEqual([
      ['old', 'Renamed', 1],
      ['new', 'New', 0],
    ]);
  });

  it('deletes a conversation with its messages, and says NOT_FOUND for what is not there', () => {
    store.conversations.put('c', 'C', 1);
    store.conversations.putMessage('c', 'm', message('x'), 2);
    store.conversations.remove('c');
    expect(() => store.conversations.get('c')).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(() => store.conversations.remove('c')).toThrow(/No conversation "c"/);
    expect(() => store.conversations.putMessage('c', 'm', message('x'), 3)).toThrow(
      /No conversation "c"/,
    );
    store.conversations.put('c', 'C again', 4);
    expect(store.conversations.get('c').messages).toEqual([]);
  });

  it('imports a history once, leaving conversations that exist as they are', () => {
    store.conversations.put('kept', 'Kept', 1);
    const imported = store.conversations.import({
      conversations: [
        { id: 'kept', title: 'Overwritten?', created_at: 0, updated_at: 0, messages: [] },
        {
          id: 'moved',
          title: 'Moved',
          created_at: 5,
          updated_at: 6,
          messages: [
            { id: 'a', ...message('one') },
            { id: 'b', ...message('two') },
          ],
        },
      ],
    });
    expect(imported).toBe(1);
    expect(store.conversations.get('kept').title).toBe('Kept');
    expect(store.conversations.get('moved').messages.map((m) => m.content)).toEqual(['one', 'two']);
  });
});

describe('hosts', () => {
  it('keeps hosts in the order they were added', () => {
    store.hosts.add({ name: 'b', spec: 'b', agent_dir: '~/.rbees/agent' }, 1);
    store.hosts.add(
      { name: 'a', spec: 'me@a:2222', identity_file: '~/.ssh/k', agent_dir: '/x' },
      2,
    );
    expect(store.hosts.list()).toEqual([
      { name: 'b', spec: 'b', agent_dir: '~/.rbees/agent' },
      { name: 'a', spec: 'me@a:2222', identity_file: '~/.ssh/k', agent_dir: '/x' },
    ]);
    store.hosts.remove('b');
    expect(store.hosts.list().map((h) => h.name)).toEqual(['a']);
  });

  it('moves an old hosts.json in once and keeps the file as hosts.json.imported', async () => {
    const other = join(home, 'legacy');
    const legacy = {
      version: 1,
      hosts: [{ name: 'mac', spec: 'mac', agent_dir: '~/.rbees/agent' }],
    };
    await (await import('node:fs/promises')).mkdir(other);
    await writeFile(join(other, 'hosts.json'), JSON.stringify(legacy));
    const opened = Store.open(other);
    expect(opened.hosts.list()).toEqual(legacy.hosts);
    opened.close();
    expect((await readdir(other)).filter((f) => f.startsWith('hosts'))).toEqual([
      'hosts.json.imported',
    ]);
  });
});

describe('jobs', () => {
  it('fails the jobs a previous daemon left unfinished, and only those', () => {
    store.jobs.save({ job_id: 'q', status: 'queued', queue_position: 0 }, 1);
    store.jobs.save({ job_id: 'r', status: 'running', finished_at: null }, 2);
    store.jobs.save({ job_id: 's', status: 'succeeded' }, 3);
    const error = { code: 'CANCELLED' as const, message: 'The daemon stopped.' };
    const now = new Date('2026-11-27T05:00:00Z');
    expect(store.jobs.failUnfinished(error, now)).toBe(2);
    const finished_at = now.toISOString();
    expect(store.jobs.get('r')).toEqual({
      ...{ job_id: 'r', status: 'failed', error, finished_at, queue_position: null },
    });
    expect(store.jobs.get('q')).toMatchObject({ status: 'failed', queue_position: null });
    expect(store.jobs.get('s')).toEqual({ job_id: 's', status: 'succeeded' });
    expect(store.jobs.recent(2).map((j) => j.job_id)).toEqual(['s', 'r']);
    expect(store.jobs.get('nope')).toBeUndefined();
  });
});

describe('settings', () => {
  it('merges values and removes a key set to null', () => {
    store.settings.merge({ 'chat.model': 'tinyllama', 'chat.temperature': 0.2 });
    store.settings.merge({ 'chat.model': null, theme: 'dark' });
    expect(store.settings.all()).toEqual({ 'chat.temperature': 0.2, theme: 'dark' });
  });
});

describe('durability', () => {
  it('keeps a committed message when the process is SIGKILLed right after the write', async () => {
    store.close();
    const script = `
      import { Store } from ${JSON.stringify(join(import.meta.dirname, 'store.ts'))};
      const store = Store.open(${JSON.stringify(home)});
      store.conversations.put('c', 'Chat', 1);
      store.conversations.putMessage('c', 'm', { role: 'user', content: 'saved', status: 'done', created_at: 1 }, 2);
      process.kill(process.pid, 'SIGKILL');
    `;
    const run = promisify(execFile);
    const killed = await run(process.execPath, [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
    ]).catch((err: { signal?: string }) => err);
    expect(killed).toMatchObject({ signal: 'SIGKILL' });
    store = Store.open(home);
    expect(store.conversations.get('c').messages.map((m) => m.content)).toEqual(['saved']);
  });
});
