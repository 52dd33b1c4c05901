/**
 * The orchestration promises of rbees-orcd across real pool hosts (two OpenSSH test hosts, each
 * with the slow test model's file): a worker started where the file is, load spread over two
 * workers, a worker killed with jobs waiting, and the daemon itself killed mid-stream and
 * restarted. Everything is seen through the HTTP API, as a client would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels } from '../../../../scripts/test-models';
import { eventually } from '../../../../scripts/testing/eventually';
import {
  putModelOnHost,
  startPool,
  type PoolFixture,
} from '../../../../scripts/testing/pool-fixture';
import type { TestHost } from '../../../../scripts/testing/test-hosts';
import { API } from '../../../shared/api';
import type { HostsResponse, HostWorkersResponse } from '../../../shared/hosts';
import type { JobRecord, TaskAccepted } from '../../../shared/inference';
import { decodeSse } from '../../../shared/sse';

const MODEL = 'counting';
/** Waits sized for a loaded 2-core machine, where a model loads and answers in seconds. */
const LOADED_MS = 60_000;
let pool: PoolFixture;

beforeAll(async () => {
  const models = await ensureTestModels();
  pool = await startPool({ hosts: { count: 2 }, daemon: { env: { RBEES_WORKER_SLOTS: '1' } } });
  const [a, b] = pool.hosts;
  if (!a || !b) throw new Error('two test hosts expected');
  // The files are there before the hosts are added (by the first test): their first status
  // lists them.
  await putModelOnHost(a, models.scriptSlow, `${MODEL}.gguf`);
  await putModelOnHost(b, models.scriptSlow, `${MODEL}.gguf`);
}, 120_000);

afterAll(async () => {
  await pool?.stop();
});

const call = (method: string, path: string, body?: unknown) => pool.daemon.call(method, path, body);

async function submit(maxTokens: number, priority = 'interactive'): Promise<string> {
  const answer = await call('POST', API.tasks, {
    model: MODEL,
    prompt: 'Count.',
    max_tokens: maxTokens,
    priority,
  });
  expect(answer.status, JSON.stringify(answer.json)).toBe(202);
  return (answer.json as unknown as TaskAccepted).job_id;
}

const record = async (id: string) => (await call('GET', API.task(id))).json as unknown as JobRecord;

function ended(id: string, timeout = LOADED_MS): Promise<JobRecord> {
  return eventually(
    () => record(id),
    (r) => r.status !== 'queued' && r.status !== 'running',
    timeout,
  );
}

async function workersOf(host: string) {
  return ((await call('GET', API.hostWorkers(host))).json as unknown as HostWorkersResponse)
    .workers;
}

/** One worker of the model on each host (a test may have stopped or killed some). */
async function oneWorkerEach(): Promise<void> {
  for (const host of ['a', 'b']) {
    if ((await workersOf(host)).length > 0) continue;
    const spawned = await call('POST', API.hostWorkers(host), { backend: 'cpu', model: MODEL });
    expect(spawned.status).toBe(201);
  }
}

describe('orchestration across pool hosts', () => {
  it('starts a worker where the model file is, then spreads jobs over two workers', async () => {
    const [a, b] = pool.hosts as [TestHost, TestHost];
    // The live events carry each of the job's status changes.
    const watch = new AbortController();
    const events = await fetch(`${pool.daemon.url}${API.events}`, {
      headers: { authorization: `Bearer ${pool.daemon.token}` },
      signal: watch.signal,
    });
    // A job sent the moment its host is added: the host's first status, still being read, has
    // the file (the daemon waits for it rather than answer MODEL_NOT_FOUND).
    await pool.register('a', a);
    const first = await ended(await submit(4));
    expect(first).toMatchObject({ status: 'succeeded', host: 'a' });
    // Its worker is the one the daemon started for it.
    expect((await workersOf('a')).map((w) => w.on_demand)).toEqual([true]);
    const statuses: string[] = [];
    for await (const message of decodeSse(events.body as AsyncIterable<Uint8Array>)) {
      if (message.event !== 'job') continue;
      const job = JSON.parse(message.data) as JobRecord;
      if (job.job_id === first.job_id) statuses.push(job.status);
      if (job.status === 'succeeded') break;
    }
    watch.abort();
    expect(statuses).toEqual(['queued', 'running', 'succeeded']);
    // Someone adds b and starts a second worker there: jobs now spread over both, none lost.
    await pool.register('b', b);
    const spawned = await call('POST', API.hostWorkers('b'), { backend: 'cpu', model: MODEL });
    expect(spawned.status).toBe(201);
    const ids = await Promise.all(Array.from({ length: 6 }, () => submit(24)));
    const done = await Promise.all(ids.map((id) => ended(id)));
    expect(done.map((r) => r.status)).toEqual(Array(6).fill('succeeded'));
    expect(new Set(done.map((r) => r.host))).toEqual(new Set(['a', 'b']));
    expect(done.every((r) => (r.tokens_out ?? 0) > 0)).toBe(true);
  }, 180_000);

  it('puts interactive jobs ahead of batch ones while every slot is busy', async () => {
    await oneWorkerEach();
    const busy = [await submit(400), await submit(400)];
    const both = await eventually(
      () => Promise.all(busy.map(record)),
      (rs) => rs.every((r) => r.status === 'running'),
      LOADED_MS,
    );
    expect(both.map((r) => r.status)).toEqual(['running', 'running']);
    const batch = await submit(4, 'batch');
    const interactive = await submit(4, 'interactive');
    expect((await record(interactive)).queue_position).toBe(0);
    expect((await record(batch)).queue_position).toBe(1);
    for (const id of [...busy, batch, interactive]) await call('DELETE', API.task(id));
    const cancelled = await Promise.all([...busy, batch, interactive].map((id) => ended(id)));
    expect(cancelled.map((r) => r.status)).toEqual(Array(4).fill('cancelled'));
  }, 120_000);

  it('runs the jobs queued behind a worker that dies on the other one', async () => {
    await oneWorkerEach();
    // A worker that dies for good: with no restarts, its host does not start it again (that a
    // worker with restarts comes back is worker-restarts.int.test.ts).
    for (const w of await workersOf('a')) await call('DELETE', API.hostWorker('a', w.id));
    const once = await call('POST', API.hostWorkers('a'), {
      backend: 'cpu',
      model: MODEL,
      restarts: 0,
    });
    expect(once.status).toBe(201);
    const running = [await submit(400), await submit(400)];
    const streaming = await eventually(
      () => Promise.all(running.map(record)),
      (rs) => rs.every((r) => r.status === 'running' && r.first_token_at !== null),
      LOADED_MS,
    );
    expect(streaming.map((r) => [r.status, r.host]).sort(), JSON.stringify(streaming)).toEqual([
      ['running', 'a'],
      ['running', 'b'],
    ]);
    const onA = streaming.find((r) => r.host === 'a');
    const queued = [await submit(8), await submit(8), await submit(8)];
    const [victim] = await workersOf('a');
    expect(victim?.pid).toBeGreaterThan(0);
    process.kill(victim?.pid ?? -1, 'SIGKILL');

    // The job on b is not the point: stopped, so that b takes the queued ones at once.
    for (const r of running) if (r !== onA?.job_id) await call('DELETE', API.task(r));
    const crashed = await ended(onA?.job_id ?? '');
    expect(crashed.status).toBe('failed');
    expect(crashed.error?.code).toMatch(/WORKER_CRASHED|INFERENCE_FAILED/);
    const rest = await Promise.all(queued.map((id) => ended(id)));
    expect(
      rest.map((r) => [r.status, r.host]),
      JSON.stringify(rest),
    ).toEqual(Array(3).fill(['succeeded', 'b']));
  }, 180_000);

  it('keeps its promises through a SIGKILL mid-stream: history, records, workers', async () => {
    await call('PUT', API.conversation('c1'), { title: 'Before the crash' });
    await call('PUT', API.conversationMessage('c1', 'm1'), {
      ...{ role: 'user', content: 'Count for me', status: 'done', created_at: 1 },
    });
    const streaming = await submit(400);
    const midway = await eventually(
      () => record(streaming),
      (r) => r.status === 'running' && r.first_token_at !== null,
      LOADED_MS,
    );
    expect(midway.first_token_at).not.toBeNull();
    const before = await workersOf('b');
    expect(before.length).toBeGreaterThan(0);

    await pool.crashDaemon();

    const lost = await record(streaming);
    expect(lost).toMatchObject({ status: 'failed', error: { code: 'DAEMON_RESTARTED' } });
    expect(lost.finished_at).not.toBeNull();
    const history = (await call('GET', API.conversation('c1'))).json;
    expect(history).toMatchObject({ title: 'Before the crash', messages: [{ id: 'm1' }] });
    const hosts = await eventually(
      async () => ((await call('GET', API.hosts)).json as unknown as HostsResponse).hosts,
      (list) => list.filter((h) => h.state === 'online').length === 2,
      LOADED_MS,
    );
    expect(hosts.map((h) => h.state)).toEqual(['local', 'online', 'online']);
    // The workers on b run on (detached on their host): found again, not started twice.
    const after = await workersOf('b');
    expect(after.map((w) => [w.id, w.pid])).toEqual(before.map((w) => [w.id, w.pid]));
    const next = await ended(await submit(4));
    expect(next.status).toBe('succeeded');
    const servedBy = [...before, ...(await workersOf('a'))].map((w) => w.id);
    expect(servedBy).toContain(next.worker_id);
    expect(await workersOf('b')).toHaveLength(before.length);
  }, 180_000);
});
