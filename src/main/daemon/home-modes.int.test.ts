import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels, type TestModels } from '../../../scripts/test-models';
import { startDaemonProcess, type DaemonProcess } from '../../../scripts/testing/daemon-process';
import { API } from '../../shared/api';
import { Client } from '../../shared/sdk';

let models: TestModels;
const started: DaemonProcess[] = [];
const bases: string[] = [];

beforeAll(async () => {
  models = await ensureTestModels();
});
afterEach(async () => {
  for (const daemon of started.splice(0)) await daemon.stop();
  for (const base of bases.splice(0)) rmSync(base, { recursive: true, force: true });
});

/** An RBEES_HOME path that does not exist yet: the daemon makes it. */
function freshHome(): string {
  const base = mkdtempSync(join(tmpdir(), 'rbees-modes-'));
  bases.push(base);
  return join(base, 'home');
}

async function daemonIn(home: string): Promise<DaemonProcess> {
  const daemon = await startDaemonProcess({ home });
  started.push(daemon);
  return daemon;
}

async function stop(daemon: DaemonProcess): Promise<void> {
  started.splice(started.indexOf(daemon), 1);
  await daemon.stop();
}

/** Everything under `home` (models/ itself, nothing in it), by path relative to it. */
function modes(home: string): Map<string, { mode: number; dir: boolean }> {
  const found = new Map<string, { mode: number; dir: boolean }>();
  const visit = (path: string): void => {
    const stat = lstatSync(path);
    const rel = relative(home, path) || '.';
    found.set(rel, { mode: stat.mode & 0o7777, dir: stat.isDirectory() });
    if (stat.isDirectory() && rel !== 'models') {
      for (const name of readdirSync(path)) visit(join(path, name));
    }
  };
  visit(home);
  return found;
}

/** What other users could read or enter: `path 0mode`, for a readable failure. */
function openToOthers(home: string): string[] {
  return [...modes(home)]
    .filter(([path]) => path !== 'models')
    .filter(([, { mode, dir }]) => mode !== (dir ? 0o700 : 0o600))
    .map(([path, { mode }]) => `${path} 0${mode.toString(8)}`);
}

/** What the user keeps in models/: their modes must survive rbees. */
function userModels(home: string): string[] {
  mkdirSync(join(home, 'models', 'mine'), { recursive: true });
  writeFileSync(join(home, 'models', 'notes.txt'), 'mine\n');
  writeFileSync(join(home, 'models', 'mine', 'x.gguf'), 'not a model\n');
  chmodSync(join(home, 'models'), 0o755);
  chmodSync(join(home, 'models', 'mine'), 0o755);
  chmodSync(join(home, 'models', 'notes.txt'), 0o644);
  chmodSync(join(home, 'models', 'mine', 'x.gguf'), 0o640);
  return modelModes(home);
}

function modelModes(home: string): string[] {
  return ['models', 'models/mine', 'models/notes.txt', 'models/mine/x.gguf'].map(
    (path) => `${path} 0${(lstatSync(join(home, path)).mode & 0o7777).toString(8)}`,
  );
}

async function saveConversation(daemon: DaemonProcess): Promise<void> {
  expect((await daemon.call('PUT', API.conversation('c1'), { title: 'Private' })).status).toBe(201);
  const message = { role: 'user', content: 'a secret', status: 'done', created_at: 1 };
  expect((await daemon.call('PUT', API.conversationMessage('c1', 'm1'), message)).status).toBe(204);
}

describe('$RBEES_HOME is its owner’s alone', () => {
  it('is made 0700 with every file 0600, the database, its WAL and every log included', async () => {
    const home = freshHome();
    const daemon = await startDaemonProcess({
      home,
      models: [{ path: models.script, as: 'script.gguf' }],
    });
    started.push(daemon);
    const kept = userModels(home);
    await saveConversation(daemon);
    // A real job: a worker starts, and its log is written in the home too.
    const client = new Client(daemon.url, { token: daemon.token });
    let reply = '';
    for await (const event of client.enqueueStream({
      model: 'script',
      prompt: 'Hi',
      max_tokens: 200,
    })) {
      if (event.type === 'token') reply += event.data.t;
    }
    expect(reply).toBe(models.scriptText);

    // While it runs: the WAL and shared-memory files exist only now.
    const files = [...modes(home).keys()];
    expect(files).toEqual(
      expect.arrayContaining(['token', 'rbees.db', 'rbees.db-wal', 'rbees.db-shm', 'logs']),
    );
    expect(files).toContain('logs/rbees-orcd.log');
    expect(files.some((path) => /^logs\/worker-.+\.log$/.test(path))).toBe(true);
    expect(modes(home).get('.')?.mode).toBe(0o700);
    expect(openToOthers(home)).toEqual([]);
    await stop(daemon);
    expect(openToOthers(home)).toEqual([]);
    expect(modelModes(home)).toEqual(kept);
  });

  it('closes a home an older rbees left open at start, says so in its log, leaves models/', async () => {
    const home = freshHome();
    const first = await daemonIn(home);
    await saveConversation(first);
    await stop(first);
    const kept = userModels(home);
    // As rbees before this change left it: folders 0755, files 0644.
    for (const [path, { dir }] of modes(home)) {
      if (path !== 'models') chmodSync(join(home, path), dir ? 0o755 : 0o644);
    }
    expect(openToOthers(home)).toContain('rbees.db 0644');

    const again = await daemonIn(home);
    expect((await again.call('GET', API.conversation('c1'))).json).toMatchObject({
      title: 'Private',
    });
    expect(openToOthers(home)).toEqual([]);
    expect(modelModes(home)).toEqual(kept);
    await stop(again);

    const lines = readFileSync(join(home, 'logs', 'rbees-orcd.log'), 'utf8')
      .trim()
      .split('\n');
    const said = lines
      .map((line) => JSON.parse(line) as { msg?: string; changed?: unknown[] })
      .filter((entry) => entry.msg?.includes('made it owner-only'));
    expect(said).toHaveLength(1);
    expect(said[0]?.changed).toEqual(
      expect.arrayContaining([
        { path: '.', from: '0755', to: '0700' },
        { path: 'logs', from: '0755', to: '0700' },
        { path: 'rbees.db', from: '0644', to: '0600' },
        { path: 'token', from: '0644', to: '0600' },
        { path: 'logs/rbees-orcd.log', from: '0644', to: '0600' },
      ]),
    );
    expect(JSON.stringify(said[0]?.changed)).not.toContain('models');
  });
});
