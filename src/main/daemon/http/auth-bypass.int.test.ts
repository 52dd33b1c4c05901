import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemonProcess, type DaemonProcess } from '../../../../scripts/testing/daemon-process';
import { rawHttp, rawRequest } from '../../../../scripts/testing/raw-http';
import { ensureTestModels } from '../../../../scripts/test-models';

/**
 * The token cannot be walked around: every route family and method, spelled every way a router
 * might read differently from a check on the raw URL, sent byte for byte on a socket (a client
 * library would normalise the target first). None answers 2xx without the token; nothing is kept.
 */
let daemon: DaemonProcess;
let port: number;

beforeAll(async () => {
  const models = await ensureTestModels();
  daemon = await startDaemonProcess({ models: [{ path: models.script, as: 'script.gguf' }] });
  port = Number(new URL(daemon.url).port);
});

afterAll(async () => {
  await daemon?.stop();
});

const chat = JSON.stringify({ model: 'script', messages: [{ role: 'user', content: 'Hi' }] });
const message = JSON.stringify({ role: 'user', content: 'kept?', status: 'done', created_at: 1 });

/** What an unauthenticated page or user would try: reads, and writes that would leave a trace. */
const ATTACKS: { method: string; path: string; body?: string }[] = [
  { method: 'GET', path: '/api/hosts' },
  { method: 'POST', path: '/api/hosts', body: JSON.stringify({ name: 'evil', spec: 'me@evil' }) },
  { method: 'POST', path: '/api/hosts/local/connect' },
  { method: 'DELETE', path: '/api/hosts/local' },
  { method: 'GET', path: '/api/conversations' },
  { method: 'PUT', path: '/api/conversations/c1/messages/m1', body: message },
  { method: 'GET', path: '/api/settings' },
  { method: 'PATCH', path: '/api/settings', body: JSON.stringify({ stolen: 'yes' }) },
  { method: 'GET', path: '/api/events' },
  { method: 'GET', path: '/api/models' },
  { method: 'GET', path: '/api/openapi.json' },
  { method: 'GET', path: '/v2/tasks' },
  { method: 'POST', path: '/v2/tasks', body: JSON.stringify({ model: 'script', prompt: 'Hi' }) },
  { method: 'GET', path: '/v1/models' },
  { method: 'POST', path: '/v1/chat/completions', body: chat },
  { method: 'GET', path: '/metrics' },
];

/** `/%61pi/hosts` and friends: each is a way a decoder, a normaliser or a router reads a path. */
function spellings(path: string): string[] {
  const [first = '', ...rest] = path.slice(1).split('/');
  const hex = (c: string) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  const tail = rest.length > 0 ? `/${rest.join('/')}` : '';
  const last = rest.at(-1) ?? first;
  const head = path.slice(0, path.length - last.length);
  return [
    path,
    `/${hex(first[0] ?? '')}${first.slice(1)}${tail}`,
    `/${hex(first[0] ?? '').toUpperCase()}${first.slice(1)}${tail}`,
    `${head}${hex(last[0] ?? '')}${last.slice(1)}`,
    `/${first.replace(/./g, hex)}${tail}`,
    `/%25${hex(first[0] ?? '').slice(1)}${first.slice(1)}${tail}`,
    `http://127.0.0.1:${port}${path}`,
    `http://localhost:${port}${path}`,
    `//${path.slice(1)}`,
    `/.${path}`,
    `/${first}/.${tail || '/'}`,
    `/${first}/x/..${tail}`,
    `${path}/`,
    `${path};`,
    `${path};x=1`,
    `/${first};${tail}`,
    `${path}#`,
    `${path}#frag`,
    `${path}?`,
    `${path}?x=1`,
    path.toUpperCase(),
    `/${first[0]?.toUpperCase() ?? ''}${first.slice(1)}${tail}`,
    `${path.replace(/\//g, '//')}`,
    `/${first}%2F${rest.join('/')}`,
    `${path}%20`,
    `${path}%00`,
  ];
}

describe('the API token, on a raw socket', () => {
  it('is required by every spelling of every route family and method', async () => {
    const host = `127.0.0.1:${port}`;
    const admitted: string[] = [];
    let refused = 0;
    for (const attack of ATTACKS) {
      for (const target of spellings(attack.path)) {
        const bytes = rawHttp(attack.method, target, { Host: host }, attack.body);
        const { status } = await rawRequest(port, bytes, { headOnly: true });
        if (status >= 200 && status < 300) admitted.push(`${attack.method} ${target} → ${status}`);
        if (status === 401) refused++;
      }
    }
    expect(admitted).toEqual([]);
    // Refused for the token, not for being unreadable: most spellings do reach a route.
    expect(refused).toBeGreaterThan(ATTACKS.length * 20);
  });

  it('lets the same bytes in with the token, so the spellings above do reach routes', async () => {
    const host = `127.0.0.1:${port}`;
    const auth = { Host: host, Authorization: `Bearer ${daemon.token}` };
    for (const target of ['/%61pi/hosts', `http://127.0.0.1:${port}/api/hosts`, '/api/hosts?']) {
      const { status, text } = await rawRequest(port, rawHttp('GET', target, auth));
      expect(status, target).toBe(200);
      expect(text).toContain('"hosts"');
    }
  });

  it('refuses a bodiless POST as a no-cors page would send it, under any spelling', async () => {
    for (const target of [
      '/%61pi/hosts/local/connect',
      '/%76%32/tasks',
      '/%76%31/chat/completions',
    ]) {
      const bytes = rawHttp('POST', target, {
        Host: `127.0.0.1:${port}`,
        'Content-Type': 'text/plain',
        'Content-Length': '0',
        Origin: 'https://evil.example',
      });
      expect((await rawRequest(port, bytes)).status, target).toBe(401);
    }
  });

  it('refuses an absolute-form target naming another host, even with our Host header', async () => {
    const bytes = rawHttp('GET', `http://evil.example:${port}/health`, {
      Host: `127.0.0.1:${port}`,
    });
    expect((await rawRequest(port, bytes)).status).toBe(403);
  });

  it('kept nothing from the refused writes', async () => {
    const hosts = await daemon.call('GET', '/api/hosts');
    expect((hosts.json.hosts as { name: string }[]).map((h) => h.name)).toEqual(['local']);
    expect((await daemon.call('GET', '/api/settings')).json).toEqual({});
    const conversations = await daemon.call('GET', '/api/conversations');
    expect(conversations.json.conversations).toEqual([]);
    expect((await daemon.call('GET', '/v2/tasks')).json.jobs).toEqual([]);
    const metrics = await fetch(`${daemon.url}/metrics`, {
      headers: { authorization: `Bearer ${daemon.token}` },
    });
    expect(await metrics.text()).not.toMatch(/^rbees_jobs_total\{[^}]*\} [1-9]/m);
  });
});
