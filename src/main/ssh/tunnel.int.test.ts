import http from 'node:http';
import type { IncomingMessage } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHosts } from '../../../scripts/testing/test-hosts';
import type { TestHosts } from '../../../scripts/testing/test-hosts';
import type { OutputLine } from './exec';
import { SshSession } from './session';
import { shellJoin } from './shell-quote';
import { hostOptions } from '../../../scripts/testing/ssh-session';
import { forwardRequest, openLocalTunnel, tunnelAgent } from './tunnel';

/** A tiny worker stand-in, run ON the host, bound to its loopback only. */
const SERVER = `
const http = require('http');
const s = http.createServer((req, res) => {
  if (req.url === '/echo') {
    const b = [];
    req.on('data', (c) => b.push(c));
    req.on('end', () => res.end(JSON.stringify({ method: req.method, x: req.headers['x-test'] || null, body: Buffer.concat(b).toString() })));
  } else if (req.url === '/sse') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let i = 0;
    const t = setInterval(() => { res.write('data: ' + i + '\\n\\n'); if (++i === 10) { clearInterval(t); res.end(); } }, 100);
    res.on('close', () => { clearInterval(t); if (i < 10) console.log('aborted after ' + i); });
  } else if (req.url.startsWith('/big/')) {
    const n = Number(req.url.slice(5)), chunk = Buffer.alloc(1 << 20, 97);
    let k = 0;
    const w = () => { while (k < n) { k++; if (!res.write(chunk)) return res.once('drain', w); } res.end(); };
    w();
  } else if (req.url === '/count') {
    let n = 0;
    req.on('data', (c) => (n += c.length));
    req.on('end', () => res.end(String(n)));
  } else if (req.url === '/conns') {
    s.getConnections((e, n) => res.end(String(n)));
  } else { res.writeHead(404); res.end(); }
});
s.listen(0, '127.0.0.1', () => console.log(s.address().port));
`;

const dir = mkdtempSync(join(tmpdir(), 'rbees-tunnel-int-'));
const stopServer = new AbortController();
let th: TestHosts | undefined;
let s: SshSession | undefined;
let port = 0;
let serverLines: AsyncIterator<OutputLine> | undefined;

beforeAll(async () => {
  th = await startTestHosts({ count: 1 });
  const h = th.hosts[0];
  if (!h) throw new Error('no test host');
  s = new SshSession(hostOptions(h, dir));
  await s.trust(h.hostKeyFingerprint);
  const proc = s.exec(shellJoin(['node', '-e', SERVER]), { signal: stopServer.signal });
  proc.exit.catch(() => undefined);
  serverLines = proc.lines[Symbol.asyncIterator]();
  port = Number(await serverLine());
  expect(port).toBeGreaterThan(0);
});
afterAll(async () => {
  stopServer.abort();
  await s?.close();
  await th?.stop();
  rmSync(dir, { recursive: true, force: true });
});
/** The next line the host's server printed. */
async function serverLine(): Promise<string> {
  const next = await serverLines?.next();
  return next && !next.done ? next.value.line : '';
}
const session = (): SshSession => {
  if (!s) throw new Error('no session');
  return s;
};
async function text(res: IncomingMessage): Promise<string> {
  let out = '';
  for await (const chunk of res) out += String(chunk);
  return out;
}

describe('forwardRequest', () => {
  it('sends a request with headers and body and reads the answer', async () => {
    const res = await forwardRequest(session(), port, {
      method: 'POST',
      path: '/echo',
      headers: { 'x-test': 'yes', 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(await text(res))).toEqual({ method: 'POST', x: 'yes', body: 'hello' });
  });

  it('works as a plain http.request agent, as for local workers', async () => {
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      http
        .request(`http://127.0.0.1:${port}/echo`, { agent: tunnelAgent(session()) }, resolve)
        .on('error', reject)
        .end(),
    );
    expect(JSON.parse(await text(res))).toMatchObject({ method: 'GET' });
  });

  it('streams SSE events as the server writes them, unbuffered', async () => {
    const res = await forwardRequest(session(), port, { path: '/sse' });
    const arrivals: Array<{ at: number; data: string }> = [];
    for await (const chunk of res) {
      for (const m of String(chunk).matchAll(/data: (\d+)/g)) {
        arrivals.push({ at: performance.now(), data: m[1]! });
      }
    }
    expect(arrivals.map((a) => a.data)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const gaps = arrivals.slice(1).map((a, i) => a.at - arrivals[i]!.at);
    console.log(`SSE gaps (ms): ${gaps.map((g) => g.toFixed(0)).join(' ')}`);
    expect(arrivals.at(-1)!.at - arrivals[0]!.at).toBeGreaterThan(800);
    expect(gaps.filter((g) => g > 50).length).toBeGreaterThanOrEqual(8);
  });

  it('abort closes the stream on the host too', async () => {
    const controller = new AbortController();
    const res = await forwardRequest(session(), port, { path: '/sse', signal: controller.signal });
    const it = res[Symbol.asyncIterator]();
    await it.next();
    controller.abort();
    await expect(it.next()).rejects.toThrow();
    expect(await serverLine()).toMatch(/^aborted after [1-3]$/);
  });

  it('reports WORKER_UNAVAILABLE when nothing listens, and CANCELLED on abort', async () => {
    await expect(forwardRequest(session(), 1, { path: '/' })).rejects.toMatchObject({
      code: 'WORKER_UNAVAILABLE',
    });
    const controller = new AbortController();
    controller.abort();
    await expect(
      forwardRequest(session(), port, { path: '/echo', signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('streams a request body without holding it whole', async () => {
    const mb = 20;
    async function* body(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < mb; i++) yield Buffer.alloc(1 << 20, 98);
    }
    const res = await forwardRequest(session(), port, {
      method: 'POST',
      path: '/count',
      body: body(),
    });
    expect(await text(res)).toBe(String(mb << 20));
  });

  it('measures throughput and latency, direct vs through a local tunnel', async () => {
    const local = await openLocalTunnel(session(), port);
    const viaLocal = (path: string): Promise<IncomingMessage> =>
      new Promise((resolve, reject) =>
        http
          .get(`http://127.0.0.1:${local.port}${path}`, { agent: false }, resolve)
          .on('error', reject),
      );
    const viaAgent = (path: string): Promise<IncomingMessage> =>
      forwardRequest(session(), port, { path });
    const rows: string[] = [];
    for (const [label, get] of [
      ['forwardRequest', viaAgent],
      ['openLocalTunnel', viaLocal],
    ] as const) {
      const times: number[] = [];
      for (let i = 0; i < 30; i++) {
        const t0 = performance.now();
        expect(JSON.parse(await text(await get('/echo')))).toMatchObject({ method: 'GET' });
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      const t0 = performance.now();
      let bytes = 0;
      for await (const chunk of await get('/big/200')) bytes += (chunk as Buffer).length;
      const mbps = bytes / 1e6 / ((performance.now() - t0) / 1000);
      expect(bytes).toBe(200 << 20);
      rows.push(
        `${label}: request median ${times[15]!.toFixed(1)} ms (p90 ${times[27]!.toFixed(1)}), ` +
          `download ${mbps.toFixed(0)} MB/s`,
      );
    }
    console.log(rows.join('\n'));
    await local.close();
    await expect(viaLocal('/echo')).rejects.toThrow(/ECONNREFUSED/);
  }, 60_000);

  it('closes every channel once its response is read (no leak)', async () => {
    let conns = '';
    for (let i = 0; i < 20 && conns !== '1'; i++) {
      // Only this request's connection should be open on the host.
      conns = await text(await forwardRequest(session(), port, { path: '/conns' }));
      if (conns !== '1') await new Promise((r) => setTimeout(r, 50));
    }
    expect(conns).toBe('1');
  });
});
