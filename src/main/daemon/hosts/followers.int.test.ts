/**
 * Followers are shared and bounded: 100 readers of one worker's log on a real OpenSSH pool host
 * cost the host one agent process (and the daemon one SSH channel), every reader gets its own
 * backlog then the same live lines, the process goes when the readers do, a worker's end reaches
 * all its readers, and one more distinct follower than RBEES_FOLLOWERS_PER_HOST is refused (429).
 * A download's readers share the follower that the daemon's monitor runs for it.
 */
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels } from '../../../../scripts/test-models';
import { eventually } from '../../../../scripts/testing/eventually';
import type { HfStandIn } from '../../../../scripts/testing/hf-stand-in';
import { putModelOnHost, startPool } from '../../../../scripts/testing/pool-fixture';
import type { PoolFixture } from '../../../../scripts/testing/pool-fixture';
import type { TestHost } from '../../../../scripts/testing/test-hosts';
import { API } from '../../../shared/api';
import type { SpawnWorkerResponse } from '../../../shared/hosts';
import { decodeSse } from '../../../shared/sse';
import type { SseMessage } from '../../../shared/sse';
import { pidsMentioning } from '../../../../scripts/testing/cli-process';

const HOST = 'gpu1';
const REPO = 'TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF';
const FILE = 'tinyllama-1.1b-chat-v1.0.Q8_0.gguf';
const READERS = 100;
const LIMIT = 2;
let pool: PoolFixture;
let host: TestHost;
let hf: HfStandIn;

beforeAll(async () => {
  const models = await ensureTestModels();
  pool = await startPool({
    hosts: { count: 1 },
    hfRepos: { [REPO]: { files: { [FILE]: models.script } } },
    daemon: { env: { RBEES_FOLLOWERS_PER_HOST: String(LIMIT) } },
  });
  [host] = pool.hosts as [TestHost];
  hf = pool.hf as HfStandIn;
  await putModelOnHost(host, models.script, 'script.gguf');
  await pool.register(HOST, host);
}, 180_000);

// A failed test's readers must not hold the host's channels for the next one.
const open: Reader[] = [];
afterEach(() => {
  for (const reader of open.splice(0)) reader.leave();
});

afterAll(async () => {
  await pool?.stop();
});

/** One SSE reader of a log; `messages` fills as they come, `ended` settles when the stream does. */
interface Reader {
  status: number;
  messages: SseMessage[];
  logLines: () => string[];
  ended: Promise<void>;
  leave: () => void;
}

async function openReader(path: string): Promise<Reader> {
  const stop = new AbortController();
  const response = await fetch(`${pool.daemon.url}${path}`, {
    headers: { authorization: `Bearer ${pool.daemon.token}` },
    signal: stop.signal,
  });
  const messages: SseMessage[] = [];
  const ended = (async () => {
    if (!response.body) return;
    for await (const m of decodeSse(response.body as AsyncIterable<Uint8Array>)) messages.push(m);
  })().catch(() => undefined);
  const reader: Reader = {
    status: response.status,
    messages,
    logLines: () =>
      messages
        .filter((m) => m.event === 'log')
        .map((m) => String((JSON.parse(m.data) as { line: string }).line)),
    ended,
    leave: () => stop.abort(),
  };
  open.push(reader);
  return reader;
}

async function spawnWorker(): Promise<string> {
  const spawned = await pool.daemon.call('POST', API.hostWorkers(HOST), {
    backend: 'cpu',
    model: 'script',
  });
  expect(spawned.status, JSON.stringify(spawned.json)).toBe(201);
  return (spawned.json as unknown as SpawnWorkerResponse).id;
}

const followers = (id: string): Promise<number[]> => pidsMentioning(`worker logs ${id} --follow`);

/** Resident memory of a process, from /proc (kB there). */
async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
}

describe('followed logs and downloads', () => {
  it(`serves ${READERS} readers of one log with one follower on the host`, async () => {
    const id = await spawnWorker();
    const logPath = join(host.home, '.rbees', 'logs', `worker-${id}.log`);
    const rssBefore = await rssBytes(pool.daemon.pid);
    const logs = `${API.hostWorkerLogs(HOST, id)}?follow=1&lines=3`;

    const readers = await Promise.all(Array.from({ length: READERS }, () => openReader(logs)));
    expect(readers.map((r) => r.status)).toEqual(readers.map(() => 200));
    await eventually(
      async () => readers.filter((r) => r.logLines().length >= 3).length,
      (n) => n === READERS,
      60_000,
    );
    expect(await followers(id)).toHaveLength(1);

    // Lines the worker writes now reach every reader, after exactly the 3 lines it asked for.
    const live = ['live-1 first', 'live-2 ünïcödé', 'live-3 last'];
    await appendFile(logPath, live.map((l) => `${l}\n`).join(''));
    await eventually(
      async () => readers.filter((r) => r.logLines().includes('live-3 last')).length,
      (n) => n === READERS,
      30_000,
    );
    const file = (await readFile(logPath, 'utf8')).split('\n');
    const before = file.slice(file.indexOf(live[0] as string) - 3, file.indexOf(live[0] as string));
    for (const reader of readers) expect(reader.logLines()).toEqual([...before, ...live]);
    expect(await followers(id)).toHaveLength(1);
    const rssGrowth = (await rssBytes(pool.daemon.pid)) - rssBefore;
    expect(rssGrowth, `daemon RSS grew by ${rssGrowth} bytes`).toBeLessThan(64 << 20);

    // A second worker's log is a second follower: the limit. A third distinct one is refused.
    const other = await spawnWorker();
    const otherReaders = await Promise.all(
      [0, 1, 2].map(() => openReader(`${API.hostWorkerLogs(HOST, other)}?follow=1`)),
    );
    expect(otherReaders.map((r) => r.status)).toEqual([200, 200, 200]);
    const refused = await pool.daemon.call(
      'GET',
      `${API.hostWorkerLogs(HOST, 'w-third')}?follow=1`,
    );
    expect(refused.status).toBe(429);
    const error = refused.json.error as { code: string; message: string };
    expect(error.code).toBe('TOO_MANY_FOLLOWERS');
    expect(error.message).toContain(`RBEES_FOLLOWERS_PER_HOST=${LIMIT}`);
    const download = await pool.daemon.call('POST', API.hostDownloads(HOST), {
      ref: `hf:${REPO}::file=${FILE}`,
    });
    expect(download.status).toBe(429); // its progress could not be followed
    // …but not a reader of what is already followed, nor a plain read.
    const extra = await openReader(logs);
    expect(extra.status).toBe(200);
    extra.leave();
    const plain = await openReader(`${API.hostWorkerLogs(HOST, id)}?lines=1`);
    expect(plain.status).toBe(200);
    await plain.ended;
    expect(plain.messages.at(-1)?.event).toBe('logs_end');

    // The worker's end reaches all its readers.
    expect((await pool.daemon.call('DELETE', API.hostWorker(HOST, other))).status).toBe(204);
    await Promise.all(otherReaders.map((r) => r.ended));
    for (const reader of otherReaders) {
      expect(reader.messages.at(-1)?.event).toBe('logs_end');
      expect(JSON.parse(reader.messages.at(-1)?.data ?? '{}')).toMatchObject({
        reason: 'worker_exited',
      });
    }
    await eventually(
      () => followers(other),
      (pids) => pids.length === 0,
      15_000,
    );

    // The readers leave: the follower process goes too, and the slot is free again.
    for (const reader of readers) reader.leave();
    await Promise.all(readers.map((r) => r.ended));
    const left = await eventually(
      () => followers(id),
      (pids) => pids.length === 0,
      15_000,
    );
    expect(left).toEqual([]);
    const again = await openReader(`${API.hostWorkerLogs(HOST, id)}?follow=1&lines=1`);
    expect(again.status).toBe(200);
    again.leave();
    await again.ended;
    await pool.daemon.call('DELETE', API.hostWorker(HOST, id));
  }, 240_000);

  it("shares a download's follower among the monitor and every reader", async () => {
    hf.setThrottle(256 * 1024); // ~10 s: readers join while it runs
    try {
      const started = await pool.daemon.call('POST', API.hostDownloads(HOST), {
        ref: `hf:${REPO}::file=${FILE}`,
      });
      expect(started.status, JSON.stringify(started.json)).toBe(202);
      const id = String(started.json.id);
      const events = API.hostDownloadEvents(HOST, id);
      const readers: Reader[] = [];
      for (let i = 0; i < 20; i++) {
        readers.push(await openReader(events));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(readers.map((r) => r.status)).toEqual(readers.map(() => 200));
      // The monitor's follower (started with the download) is the only one on the host.
      expect(await pidsMentioning(`download --attach ${id}`)).toHaveLength(1);
      await Promise.all(readers.map((r) => r.ended));
      for (const reader of readers) {
        const names = reader.messages.map((m) => m.event);
        expect(names[0]).toBe('start');
        expect(names.at(-1)).toBe('done');
      }
      const late = readers.at(-1)?.messages ?? [];
      // A late reader gets `start` and the latest progress, not every progress line so far.
      expect(late.filter((m) => m.event === 'progress').length).toBeLessThan(
        readers[0]?.messages.filter((m) => m.event === 'progress').length ?? 0,
      );
      await eventually(
        () => pidsMentioning(`download --attach ${id}`),
        (p) => p.length === 0,
      );
    } finally {
      hf.setThrottle(undefined);
    }
  }, 120_000);
});
