import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemonProcess, type DaemonProcess } from '../../../../scripts/testing/daemon-process';
import { API } from '../../../shared/api';

const started: DaemonProcess[] = [];
const homes: string[] = [];

afterEach(async () => {
  for (const daemon of started.splice(0)) await daemon.stop();
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

async function daemonIn(home: string): Promise<DaemonProcess> {
  const daemon = await startDaemonProcess({ home });
  started.push(daemon);
  return daemon;
}

describe('the daemon keeps its state in $RBEES_HOME/rbees.db', () => {
  it('loses no committed message when it is killed (SIGKILL), and keeps hosts and settings', async () => {
    const home = mkdtempSync(join(tmpdir(), 'rbees-home-'));
    homes.push(home);
    const first = await daemonIn(home);
    expect((await first.call('PUT', API.conversation('c1'), { title: 'Kept' })).status).toBe(201);
    for (let i = 0; i < 50; i++) {
      const put = await first.call('PUT', API.conversationMessage('c1', `m${i}`), {
        role: i % 2 ? 'assistant' : 'user',
        content: `message ${i}`,
        status: 'done',
        created_at: i,
        ...(i % 2 ? { stats: { host: 'mac', worker: 'w1', tokens_per_sec: 40 } } : {}),
      });
      expect(put.status).toBe(204);
    }
    await first.call('PATCH', API.settings, { chat: { model: 'script', temperature: 0.3 } });
    const added = await first.call('POST', API.hosts, { name: 'mac', spec: 'me@mac.lan' });
    expect(added.status).toBe(201);
    // The last write was answered: the daemon dies before it can flush or close anything.
    await first.kill();

    const second = await daemonIn(home);
    const got = await second.call('GET', API.conversation('c1'));
    expect(got.json).toMatchObject({ title: 'Kept', message_count: 50 });
    const messages = got.json.messages as { id: string; content: string; stats?: unknown }[];
    expect(messages.map((m) => m.content)).toEqual(
      Array.from({ length: 50 }, (_, i) => `message ${i}`),
    );
    expect(messages[1]?.stats).toEqual({ host: 'mac', worker: 'w1', tokens_per_sec: 40 });
    expect((await second.call('GET', API.settings)).json).toEqual({
      chat: { model: 'script', temperature: 0.3 },
    });
    const hosts = (await second.call('GET', API.hosts)).json.hosts as { name: string }[];
    expect(hosts.map((h) => h.name)).toEqual(['local', 'mac']);
  });

  it('answers bad history writes with the field and the fix', async () => {
    const home = mkdtempSync(join(tmpdir(), 'rbees-home-'));
    homes.push(home);
    const daemon = await daemonIn(home);
    const orphan = await daemon.call('PUT', API.conversationMessage('nope', 'm'), {
      role: 'user',
      content: 'x',
      status: 'done',
      created_at: 1,
    });
    expect(orphan).toMatchObject({ status: 404, json: { error: { code: 'NOT_FOUND' } } });
    await daemon.call('PUT', API.conversation('c'), { title: 'C' });
    const bad = await daemon.call('PUT', API.conversationMessage('c', 'm'), {
      role: 'robot',
      content: 'x',
      status: 'done',
      created_at: 1,
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain('role');
  });
});
