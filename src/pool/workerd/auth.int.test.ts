/**
 * The worker's locks, seen from outside: a real rbees-workerd on a generated model, reached with
 * raw node:http requests (no client of ours, headers exactly as written) the way another local
 * user or a DNS-rebinding page would reach it.
 */
import { request } from 'node:http';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels, type TestModels } from '../../../scripts/test-models/index';
import { decodeInferenceEvents } from '../../shared/sse';
import type { InferenceEvent } from '../../shared/inference';
import { bearer } from '../../shared/worker-auth';
import {
  spawnWorker,
  startWorker,
  stopWorker,
  textOf,
} from '../../../scripts/testing/worker-process';

type Worker = Awaited<ReturnType<typeof startWorker>>;

let models: TestModels;
let worker: Worker;
let port: number;

beforeAll(async () => {
  models = await ensureTestModels();
  worker = await startWorker(models.scriptLong, ['--ctx', '1024']);
  port = worker.line.port as number;
}, 60_000);

afterAll(async () => {
  await stopWorker(worker);
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with exactly these headers (node:http adds none that matter here). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Bytes as written, on a plain socket: the status line of the answer. */
async function statusLine(bytes: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  socket.end(bytes);
  let text = '';
  for await (const chunk of socket) text += String(chunk);
  return text.split('\r\n')[0] ?? '';
}

const json = { 'content-type': 'application/json' };
const local = (extra: Record<string, string> = {}) => ({ host: `127.0.0.1:${port}`, ...extra });
const execute = (jobId: string) =>
  JSON.stringify({ job_id: jobId, prompt: 'go', max_tokens: 2048, temperature: 0 });

/** Each guarded route, with a body that it would act on. */
const ROUTES = [
  { method: 'POST', path: '/execute', body: execute('stranger') },
  { method: 'POST', path: '/cancel', body: JSON.stringify({ job_id: 'stranger' }) },
  { method: 'GET', path: '/status', body: undefined },
];

async function events(answer: Answer): Promise<InferenceEvent[]> {
  async function* body() {
    yield new TextEncoder().encode(answer.body);
  }
  const all: InferenceEvent[] = [];
  for await (const event of decodeInferenceEvents(body())) all.push(event);
  return all;
}

describe('rbees-workerd refuses strangers', () => {
  it('answers GET /health to anyone, saying only that it is alive', async () => {
    const answer = await raw('GET', '/health', local());
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ status: 'ready' });
  });

  it('answers 401 without the secret on every other route, and runs nothing', async () => {
    for (const route of ROUTES) {
      const answer = await raw(route.method, route.path, local(json), route.body);
      expect(answer.status, `${route.method} ${route.path}`).toBe(401);
      expect(answer.headers['www-authenticate']).toBe('Bearer');
      expect(JSON.parse(answer.body)).toEqual({
        error: {
          code: 'UNAUTHORIZED',
          message: expect.stringContaining('Authorization: Bearer <secret>') as unknown,
        },
      });
      expect(answer.body).not.toContain('script-long'); // nothing about what it serves
    }
    const status = await raw('GET', '/status', local({ authorization: bearer(worker.secret) }));
    expect(JSON.parse(status.body)).toMatchObject({ slots_busy: 0 });
    expect(worker.stderr()).not.toContain('job stranger');
  });

  it('answers 401 to a wrong secret, of the same length or not, and to another scheme', async () => {
    const wrong = [
      bearer(`${worker.secret.slice(0, -1)}${worker.secret.endsWith('A') ? 'B' : 'A'}`),
      bearer(worker.secret.slice(0, -1)),
      bearer(`${worker.secret}x`),
      `Basic ${worker.secret}`,
      worker.secret,
    ];
    for (const authorization of wrong) {
      for (const route of ROUTES) {
        const headers = local({ ...json, authorization });
        const answer = await raw(route.method, route.path, headers, route.body);
        expect(answer.status, `${authorization} on ${route.path}`).toBe(401);
      }
    }
    expect(worker.stderr()).not.toContain('job stranger');
  });

  it('answers 403 to a Host that is not the loopback, secret or not, /health included', async () => {
    const authorization = bearer(worker.secret);
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1.evil.example:${port}`]) {
      for (const route of [...ROUTES, { method: 'GET', path: '/health', body: undefined }]) {
        const headers = { host, authorization, ...json };
        const answer = await raw(route.method, route.path, headers, route.body);
        expect(answer.status, `${host} ${route.path}`).toBe(403);
        expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'FORBIDDEN_HOST' } });
      }
    }
    // No Host at all: HTTP/1.0 may omit it (node's server refuses an HTTP/1.1 request without).
    expect(await statusLine('GET /health HTTP/1.0\r\n\r\n')).toBe('HTTP/1.1 403 Forbidden');
    expect(worker.stderr()).not.toContain('job stranger');
  });

  it('serves whoever has the secret, under any loopback name and port (a tunnel)', async () => {
    const authorization = bearer(worker.secret);
    for (const host of [`127.0.0.1:${port}`, 'localhost:1', '[::1]:40000', 'LOCALHOST']) {
      const answer = await raw('GET', '/status', { host, authorization });
      expect(answer.status, host).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ status: 'ready', pid: worker.proc.pid });
    }
    const answer = await raw('POST', '/execute', { ...local(json), authorization }, execute('ok'));
    expect(answer.status).toBe(200);
    const all = await events(answer);
    expect(all.at(-1)).toMatchObject({ type: 'end', data: { stop_reason: 'eos' } });
    expect(textOf(all)).toBe(models.scriptLongText);
  });

  it('does not let a stranger cancel a running job', async () => {
    const authorization = bearer(worker.secret);
    const running = raw('POST', '/execute', { ...local(json), authorization }, execute('mine'));
    const cancel = await raw('POST', '/cancel', local(json), JSON.stringify({ job_id: 'mine' }));
    expect(cancel.status).toBe(401);
    const all = await events(await running);
    expect(all.at(-1)).toMatchObject({ type: 'end', data: { stop_reason: 'eos' } });
  });

  it('keeps the secret off its command line', async () => {
    const cmdline = await readFile(`/proc/${worker.proc.pid}/cmdline`, 'utf8');
    expect(cmdline).toContain('script-long.gguf');
    expect(cmdline).not.toContain(worker.secret);
  });
});

describe('rbees-workerd without a usable secret', () => {
  it.each([
    ['none', null],
    ['a short one', 'short-secret'],
    ['one with spaces', 'a secret with spaces that is long enough to pass'],
  ])('refuses to start with %s, naming the variable', async (_label, secret) => {
    const started = await spawnWorker(['--model', models.script, '--port', '0'], secret);
    try {
      expect(started.line).toMatchObject({
        event: 'error',
        code: 'BAD_REQUEST',
        message: expect.stringContaining('RBEES_WORKER_SECRET') as unknown,
      });
      expect(await started.exited).toBe(1);
    } finally {
      await stopWorker(started); // one that started after all must not outlive the test
    }
  });
});
