import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildDaemonApp,
  registeredRoutes,
  type DaemonApp,
} from '../../../../scripts/testing/daemon-app';
import { rawHttp, rawRequest } from '../../../../scripts/testing/raw-http';
import { API } from '../../../shared/api';

/**
 * Generated request targets without the token, sent byte for byte on a socket to the daemon's
 * real server (a client library would normalise them): real route paths with percent-encoded
 * letters (once or twice), dot segments, doubled slashes, `;`, `?`, `#`, changed case, absolute
 * form. None gets a 2xx unless what answered is a public route (the UI's files, /health), and
 * the writes among them leave nothing behind.
 */
let daemon: DaemonApp;
let port: number;
let routes: { method: string; path: string }[];
beforeAll(async () => {
  daemon = await buildDaemonApp();
  await daemon.app.listen({ host: '127.0.0.1', port: 0 });
  port = (daemon.app.server.address() as AddressInfo).port;
  routes = registeredRoutes(daemon).map((route) => {
    const [method = '', path = ''] = route.split(' ');
    return { method, path: path.replace(/\{\w+\}/g, 'local') };
  });
});
afterAll(async () => {
  await daemon?.close();
});

const hex = (c: string) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
type Edit = (path: string, at: number) => string;
/** One way a router, a decoder or a normaliser might read a path differently from a check. */
const EDITS: Edit[] = [
  (p, at) => p.slice(0, at) + hex(p[at] ?? '/') + p.slice(at + 1),
  (p, at) => p.slice(0, at) + hex(p[at] ?? '/').toUpperCase() + p.slice(at + 1),
  (p, at) => `${p.slice(0, at)}%25${hex(p[at] ?? '/').slice(1)}${p.slice(at + 1)}`,
  (p, at) => p.slice(0, at) + (p[at] ?? '').toUpperCase() + p.slice(at + 1),
  (p) => p.toUpperCase(),
  (p, at) => `${p.slice(0, at)}/.${p.slice(at)}`,
  (p, at) => `${p.slice(0, at)}/x/..${p.slice(at)}`,
  (p, at) => `${p.slice(0, at)}/${p.slice(at)}`,
  (p, at) => `${p.slice(0, at)};${p.slice(at)}`,
  (p) => `${p};x=1`,
  (p) => `${p}?`,
  (p) => `${p}?x=1&token=x`,
  (p) => `${p}#`,
  (p) => `${p}#frag`,
  (p) => `${p}/`,
  (p) => `${p}%20`,
  (p) => `${p}%00`,
  (p, at) => `${p.slice(0, at)}%2F${p.slice(at + 1)}`,
  (p, at) => `${p.slice(0, at)}\\${p.slice(at)}`,
  (p) => `http://localhost:80${p}`,
  (p) => `//${p.slice(1)}`,
];

const target = fc
  .tuple(
    fc.nat(),
    fc.array(fc.tuple(fc.nat(EDITS.length - 1), fc.nat()), { minLength: 1, maxLength: 3 }),
    fc.option(fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS')),
  )
  .map(([pick, edits, method]) => {
    const route = routes[pick % routes.length] ?? { method: 'GET', path: '/' };
    let path = route.path;
    for (const [edit, at] of edits) path = (EDITS[edit] as Edit)(path, at % (path.length + 1));
    const verb = method ?? route.method;
    const write = verb !== 'GET' && verb !== 'HEAD';
    const body = write ? (BODIES[`${verb} ${route.path}`] ?? BODIES.default) : undefined;
    return { method: verb, target: path, body };
  });

/** Bodies that would leave a trace if one got in. */
const BODIES: Record<string, string> = {
  [`POST ${API.hosts}`]: JSON.stringify({ name: 'evil', spec: 'me@evil' }),
  [`PATCH ${API.settings}`]: JSON.stringify({ stolen: 'yes' }),
  [`POST ${API.conversationsImport}`]: JSON.stringify({
    conversations: [{ id: 'evil', title: 'x', created_at: 1, updated_at: 1, messages: [] }],
  }),
  [`PUT ${API.conversations}/local`]: JSON.stringify({ title: 'evil' }),
  default: JSON.stringify({ name: 'evil', spec: 'me@evil' }),
};

/** What the public routes answer: the UI's two files and the liveness answer. */
function isPublicAnswer(text: string): boolean {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const type = /^content-type: ([^;\r\n]+)/im.exec(head)?.[1] ?? '';
  if (!/^HTTP\/1\.1 200 /.test(head)) return false;
  if (type === 'text/html') return body === '' || body === '<!doctype html>';
  if (type === 'application/javascript' || type === 'text/javascript') return body === '';
  return (
    type === 'application/json' &&
    (body === '{"status":"ok"}' || /^content-length: 15\r?$/im.test(head))
  );
}

describe('request targets without the token, generated', () => {
  it('get no 2xx unless a public route answered, and change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(target, async ({ method, target: path, body }) => {
        const bytes = rawHttp(method, path, { Host: daemon.host }, body);
        const answer = await rawRequest(port, bytes, { headOnly: method === 'HEAD' });
        if (answer.status >= 200 && answer.status < 300) {
          expect(isPublicAnswer(answer.text), `${method} ${path}:\n${answer.text}`).toBe(true);
        }
      }),
      { numRuns: 1_000 },
    );
    const auth = { host: daemon.host, authorization: `Bearer ${daemon.token}` };
    const get = async (url: string) =>
      (await daemon.app.inject({ url, headers: auth })).json<unknown>();
    expect(await get(API.hosts)).toEqual({ hosts: [expect.objectContaining({ name: 'local' })] });
    expect(await get(API.settings)).toEqual({});
    expect(await get(API.conversations)).toEqual({ conversations: [] });
    expect(await get(API.tasks)).toEqual({ jobs: [] });
  });

  it('are refused for the token alone: with it, none of the same reads is a 401', async () => {
    const refused: string[] = [];
    for (const { target: path } of fc.sample(target, 100)) {
      const headers = { Host: daemon.host, Authorization: `Bearer ${daemon.token}` };
      const answer = await rawRequest(port, rawHttp('GET', path, headers), { headOnly: true });
      if (answer.status === 401) refused.push(path);
    }
    expect(refused).toEqual([]);
  });
});
