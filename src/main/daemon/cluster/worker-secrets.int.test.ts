/**
 * Workers' secrets through the daemon, seen only from outside: the built daemon with a worker it
 * started on demand and one this computer's agent spawned through the API. Both answer strangers 401;
 * the daemon uses both, and the agent's again after a restart; no API answer, event, log or
 * database file holds a secret.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels, type TestModels } from '../../../../scripts/test-models';
import { startDaemonProcess, type DaemonProcess } from '../../../../scripts/testing/daemon-process';
import { eventually } from '../../../../scripts/testing/eventually';
import { API, type WorkersResponse } from '../../../shared/api';
import type { InferenceEvent } from '../../../shared/inference';
import type { WorkerRecord } from '../../../shared/pool-status';
import { Client } from '../../../shared/sdk';
import { decodeSse } from '../../../shared/sse';
import { WORKER_SECRET_ENV } from '../../../shared/worker-auth';

let models: TestModels;
let daemon: DaemonProcess;
let home: string;
const agentPids: number[] = [];

beforeAll(async () => {
  models = await ensureTestModels();
  daemon = await startDaemonProcess({ models: [{ path: models.script, as: 'script.gguf' }] });
  home = daemon.home;
});

afterAll(async () => {
  await daemon?.stop();
  for (const pid of agentPids) {
    try {
      process.kill(-pid, 'SIGKILL'); // its own process group, detached by the agent
    } catch {
      // already gone
    }
  }
  await rm(home, { recursive: true, force: true });
});

/** A job through /v2/tasks: where it ran and what it said. */
async function job(): Promise<{ host: string; worker: string; text: string }> {
  const client = new Client(daemon.url, { token: daemon.token });
  const events: InferenceEvent[] = [];
  for await (const event of client.enqueueStream({
    model: 'script',
    prompt: 'Hi',
    max_tokens: 64,
  })) {
    events.push(event);
  }
  const started = events.find((e) => e.type === 'started');
  const data = started?.type === 'started' ? started.data : undefined;
  const text = events.map((e) => (e.type === 'token' ? e.data.t : '')).join('');
  expect(events.at(-1)?.type, JSON.stringify(events.at(-1))).toBe('end');
  return { host: data?.host ?? '', worker: data?.worker_id ?? '', text };
}

/** A raw request without any secret: the status code. */
function stranger(port: number, method: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false }, (res) => {
      res.resume().on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    if (method === 'GET') return void req.end();
    req.setHeader('content-type', 'application/json');
    req.end(JSON.stringify({ job_id: 'stranger', prompt: 'hi', max_tokens: 8 }));
  });
}

async function expectGuarded(port: number, pid: number, secret: string): Promise<void> {
  expect(await stranger(port, 'POST', '/execute')).toBe(401);
  expect(await stranger(port, 'POST', '/cancel')).toBe(401);
  expect(await stranger(port, 'GET', '/status')).toBe(401);
  expect(await readFile(`/proc/${pid}/cmdline`, 'utf8')).not.toContain(secret);
}

/** Every file under RBEES_HOME that holds `text` (the models are links to test models: skipped). */
async function filesHolding(text: string): Promise<string[]> {
  const entries = await readdir(home, { recursive: true, withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await readFile(path)).includes(text)) found.push(path.slice(home.length + 1));
  }
  return found;
}

/** The first message of /api/events: the cluster's snapshot, as the UI gets it. */
async function snapshot(): Promise<string> {
  const done = new AbortController();
  const response = await fetch(`${daemon.url}${API.events}`, {
    headers: { authorization: `Bearer ${daemon.token}` },
    signal: done.signal,
  });
  try {
    for await (const message of decodeSse(response.body as AsyncIterable<Uint8Array>)) {
      return message.data;
    }
    return '';
  } finally {
    done.abort();
  }
}

describe('workers and their secrets, through the daemon', () => {
  let onDemandSecret = '';
  let agentWorker: { id: string; port: number; pid: number; secret: string };

  it('sends its own worker the secret it gave it; strangers get 401', async () => {
    expect(await job()).toMatchObject({ host: 'local', worker: 'local-script' });
    const { json } = await daemon.call('GET', API.workers);
    const [worker] = (json as unknown as WorkersResponse).workers;
    if (!worker?.port || !worker.pid) throw new Error(`no worker: ${JSON.stringify(json)}`);
    // The environment it started with, which only its own user may read.
    const environ = (await readFile(`/proc/${worker.pid}/environ`, 'utf8')).split('\0');
    onDemandSecret = environ.find((e) => e.startsWith(`${WORKER_SECRET_ENV}=`))?.slice(20) ?? '';
    expect(onDemandSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await expectGuarded(worker.port, worker.pid, onDemandSecret);
    expect(JSON.stringify(json)).not.toContain(onDemandSecret);
  });

  it("uses a worker the agent spawned, and shows none of the agent's secret", async () => {
    const spawned = await daemon.call('POST', API.hostWorkers('local'), {
      model: 'script',
      backend: 'cpu',
      threads: 1,
      ctx: 256,
    });
    expect(spawned.status, JSON.stringify(spawned.json)).toBe(201);
    const { id, port, pid } = spawned.json as { id: string; port: number; pid: number };
    agentPids.push(pid);
    expect(Object.keys(spawned.json).sort()).toEqual(
      ['backend', 'id', 'log', 'model', 'pid', 'port'].sort(),
    );
    const file = join(home, 'workers', `${id}.json`);
    const { secret } = JSON.parse(await readFile(file, 'utf8')) as WorkerRecord;
    if (secret === null) throw new Error(`${file} holds no secret`);
    agentWorker = { id, port, pid, secret };
    await expectGuarded(port, pid, secret);

    // A worker of the cluster serving the model comes first: the job goes to the agent's.
    expect(await job()).toEqual({ host: 'local', worker: id, text: models.scriptText });

    const answers = [
      JSON.stringify(spawned.json),
      JSON.stringify((await daemon.call('GET', API.hostWorkers('local'))).json),
      JSON.stringify((await daemon.call('GET', API.hostStatus('local'))).json),
      await snapshot(),
    ];
    expect(answers[1]).toContain(`"id":"${id}"`);
    expect(answers[2]).toContain(`"id":"${id}"`);
    expect(answers[3]).toContain(`"id":"${id}"`);
    for (const answer of answers) {
      expect(answer).not.toContain(secret);
      expect(answer).not.toContain('"secret"');
    }
    // Stored (what the hosts last reported), logged, or anywhere else: only the agent's own file.
    const stored = await filesHolding(`"id":"${id}"`);
    expect(
      stored.filter((f) => f.startsWith('rbees.db')),
      stored.join(),
    ).not.toEqual([]);
    expect(await filesHolding(secret)).toEqual([`workers/${id}.json`]);
    // The daemon's own worker is this computer's agent's too (on demand): its secret is kept the
    // same way, in the agent's record of it, and nowhere else.
    expect(await filesHolding(onDemandSecret)).toEqual(['workers/local-script.json']);
  });

  it('finds and uses that worker again after a restart', async () => {
    await daemon.kill();
    daemon = await startDaemonProcess({ home });
    // It lists this computer's workers as it starts; a job sent before that ends goes to a new
    // worker of its own, the next ones to the one found.
    const served = await eventually(job, (r) => r.worker === agentWorker.id, 30_000);
    expect(served).toEqual({ host: 'local', worker: agentWorker.id, text: models.scriptText });
    expect(await filesHolding(agentWorker.secret)).toEqual([`workers/${agentWorker.id}.json`]);
    const stopped = await daemon.call('DELETE', API.hostWorker('local', agentWorker.id));
    expect(stopped.status).toBe(204);
  });
});
