/**
 * A worker that crashes on a real OpenSSH pool host comes back by itself, as this computer's did
 * under the daemon's old supervisor: SIGKILLed on the host, its keeper starts it again after a
 * backoff that grows (1 s, then 2 s, read from the host's own log) while jobs keep being served;
 * past its bound of restarts in a row it is given up on, with a clear state and reason, and jobs
 * are still served (by a worker the daemon starts on demand). The daemon stops that one when it
 * closes. Everything is seen through the daemon's API, as a client would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels, type TestModels } from '../../../../scripts/test-models';
import { eventually } from '../../../../scripts/testing/eventually';
import {
  putModelOnHost,
  startPool,
  type PoolFixture,
} from '../../../../scripts/testing/pool-fixture';
import { API } from '../../../shared/api';
import type { HostWorkersResponse } from '../../../shared/hosts';
import type { WorkerEntry } from '../../../shared/pool-status';
import { Client } from '../../../shared/sdk';
import { decodeSse } from '../../../shared/sse';
import { isRunning } from '../../../../scripts/testing/test-hosts/proc';

const HOST = 'gpu1';
/** A model loads in seconds on a loaded 2-core machine; a run and its backoff, in under this. */
const BACK_MS = 60_000;
let pool: PoolFixture;
let models: TestModels;

beforeAll(async () => {
  models = await ensureTestModels();
  pool = await startPool();
  const [host] = pool.hosts;
  if (!host) throw new Error('no test host');
  await putModelOnHost(host, models.script, 'script.gguf');
  await pool.register(HOST, host);
}, 120_000);

afterAll(async () => {
  for (const w of await workers().catch(() => [])) {
    await pool.daemon.call('DELETE', API.hostWorker(HOST, w.id));
  }
  await pool?.stop();
});

async function workers(): Promise<WorkerEntry[]> {
  const listed = await pool.daemon.call('GET', API.hostWorkers(HOST));
  return (listed.json as unknown as HostWorkersResponse).workers;
}

async function worker(id: string): Promise<WorkerEntry | undefined> {
  return (await workers()).find((w) => w.id === id);
}

/** A job through /v2/tasks, to its end: where it ran and what it said. */
async function job(): Promise<{ host: string; worker: string; text: string; last: string }> {
  const client = new Client(pool.daemon.url, { token: pool.daemon.token });
  let [host, id, text, last] = ['', '', '', ''];
  for await (const event of client.enqueueStream({
    model: 'script',
    prompt: 'Hi',
    max_tokens: 64,
  })) {
    if (event.type === 'started') [host, id] = [event.data.host ?? '', event.data.worker_id ?? ''];
    if (event.type === 'token') text += event.data.t;
    last = event.type === 'error' ? `error ${event.data.code}: ${event.data.message}` : event.type;
  }
  return { host, worker: id, text, last };
}

/** Kills the worker's process on the host, as a native crash would, and waits for its next run. */
async function crash(id: string, restarts: number): Promise<WorkerEntry | undefined> {
  const before = await worker(id);
  if (!before || before.status !== 'ready')
    throw new Error(`${id} is not ready: ${JSON.stringify(before)}`);
  process.kill(before.pid, 'SIGKILL');
  return eventually(
    () => worker(id),
    (w) =>
      w?.status === 'failed' ||
      (w?.status === 'ready' && w.pid !== before.pid && w.restarts === restarts),
    BACK_MS,
  );
}

/** The keeper's notes in the worker's log, read through the daemon: when each death was seen. */
async function keeperNotes(id: string): Promise<{ at: number; line: string }[]> {
  const response = await fetch(`${pool.daemon.url}${API.hostWorkerLogs(HOST, id)}?lines=1000`, {
    headers: { authorization: `Bearer ${pool.daemon.token}` },
  });
  const notes: { at: number; line: string }[] = [];
  for await (const message of decodeSse(response.body as AsyncIterable<Uint8Array>)) {
    if (message.event !== 'log') continue;
    const { line } = JSON.parse(message.data) as { line: string };
    const match = /^rbees-pool: (\S+) (.*)$/.exec(line);
    if (match?.[1] && match[2]) notes.push({ at: Date.parse(match[1]), line: match[2] });
  }
  return notes;
}

/** Milliseconds between each death the keeper noted and the start of the run after it. */
function backoffs(notes: { at: number; line: string }[]): number[] {
  return notes.flatMap((note, i) => {
    if (!note.line.includes('; restarting in ')) return [];
    const next = notes.slice(i + 1).find((n) => n.line.startsWith('starting worker '));
    return next ? [next.at - note.at] : [];
  });
}

describe('a worker that crashes on a pool host', () => {
  it('comes back after a growing backoff, serving jobs, and is given up on past its bound', async () => {
    const spawned = await pool.daemon.call('POST', API.hostWorkers(HOST), {
      ...{ model: 'script', backend: 'cpu', threads: 1, ctx: 512 },
      restarts: 2,
    });
    expect(spawned.status, JSON.stringify(spawned.json)).toBe(201);
    const id = String(spawned.json.id);
    const firstPid = Number(spawned.json.pid);
    expect(await job()).toEqual({ host: HOST, worker: id, text: models.scriptText, last: 'end' });

    // Killed: a job sent while it is down waits for its next run rather than failing.
    process.kill(firstPid, 'SIGKILL');
    expect(await job()).toEqual({ host: HOST, worker: id, text: models.scriptText, last: 'end' });
    const back = await eventually(
      () => worker(id),
      (w) => w?.status === 'ready' && w.restarts === 1,
      BACK_MS,
    );
    expect(back).toMatchObject({ status: 'ready', restarts: 1 });
    expect(back?.pid).not.toBe(firstPid);
    expect(back?.last_error).toMatch(/ died: .*; restarting in 1 s \(1 of 2 in a row\)$/);

    // Again at once: the backoff grows.
    const again = await crash(id, 2);
    expect(again).toMatchObject({ status: 'ready', restarts: 2 });
    expect(again?.last_error).toMatch(/; restarting in 2 s \(2 of 2 in a row\)$/);
    expect(await job()).toEqual({ host: HOST, worker: id, text: models.scriptText, last: 'end' });
    const waited = backoffs(await keeperNotes(id));
    expect(waited).toHaveLength(2);
    expect(waited[0]).toBeGreaterThanOrEqual(1000);
    expect(waited[1]).toBeGreaterThanOrEqual(2000);

    // A third death in a row is past its bound: given up, and said so, until someone acts.
    const failed = await crash(id, 2);
    expect(failed).toMatchObject({ status: 'failed', port: null, restarts: 2 });
    expect(failed?.last_error).toMatch(
      /^worker .* died: .*; gave up after 2 restarts in a row — see its log, then spawn it again$/,
    );
    expect(await isRunning(failed?.pid ?? -1)).toBe(false);

    // Jobs are still served: the daemon starts a worker of its own where the file is.
    const served = await job();
    expect(served).toEqual({
      ...{ host: HOST, worker: `${HOST}-script`, text: models.scriptText, last: 'end' },
    });
    expect(await worker(id)).toMatchObject({ status: 'failed' });
    expect((await pool.daemon.call('DELETE', API.hostWorker(HOST, id))).status).toBe(204);
    expect(await worker(id)).toBeUndefined();
  }, 300_000);

  it('stops the worker it started there on demand when it closes', async () => {
    const mine = await worker(`${HOST}-script`);
    expect(mine).toMatchObject({ status: 'ready', on_demand: true });
    const listed = await pool.daemon.call('GET', API.workers);
    expect(listed.json.workers).toMatchObject([{ host: HOST, id: `${HOST}-script` }]);
    await pool.daemon.stop();
    expect(await isRunning(mine?.pid ?? -1)).toBe(false);
  }, 60_000);
});
