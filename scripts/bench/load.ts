import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkersResponse } from '../../src/shared/api';
import type { TaskAccepted } from '../../src/shared/inference';
import { bearer, WORKER_SECRET_ENV } from '../../src/shared/worker-auth';
import { startDaemonProcess, type DaemonProcess } from '../testing/daemon-process';
import { processCpuMs } from './cpu';
import { cpuProfileEnv, loadAverage, rssKiB, send, stream } from './http-client';
import { reportLoad, type Round, type Stream } from './load-report';

/**
 * 200 concurrent streaming clients through the daemon (issue 5), side by side with the same
 * workers reached straight at their own POST /execute, in interleaved rounds.
 *
 * The daemon starts one worker per model file on demand; MODELS links of one tiny model with
 * SLOTS slots each give MODELS × SLOTS streams at once, the other clients wait in the daemon's
 * queue (with their event streams open). The direct rounds use exactly that many clients (one per
 * slot: a worker refuses work past its slots), on the very worker processes the daemon started,
 * looked up in GET /api/workers (the daemon is idle meanwhile), with the secrets the daemon gave
 * them (read from their /proc/<pid>/environ: the daemon's API never shows them, but this user may
 * read its own processes' start-up environment). Both paths run the same number of requests per
 * round.
 *
 * Added latency per token: the gaps between consecutive tokens of a stream as the client reads
 * them (tokens that share a read count as 0), through the daemon and direct; the daemon's cost is
 * the difference of their percentiles. A token the daemon holds back widens a gap by that much.
 *
 * Memory: the daemon's VmRSS after the first 2,000 requests and after 10,000 (short replies, the
 * same 200 clients), sampled the same way (under load, every 1,000 requests).
 */
// BENCH_LOAD_* change the shape for a diagnosis (fewer clients: no queue); the defaults are issue 5's.
const CLIENTS = Number(process.env.BENCH_LOAD_CLIENTS ?? 200);
const MODELS = Number(process.env.BENCH_LOAD_MODELS ?? 2);
const SLOTS = Number(process.env.BENCH_LOAD_SLOTS ?? 8);
const ROUNDS = 3;
const ROUND_REQUESTS = 200;
const MAX_TOKENS = 32;
const TOTAL_REQUESTS = 10_000;
const RSS_MAX_TOKENS = 4;
const ADDED_LATENCY_MS = 10;

/** `queued` events the daemon sent (one per position change of a waiting job). */
let queuedEvents = 0;

export async function benchLoad(modelPath: string): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'rbees-bench-load-'));
  const names = Array.from({ length: MODELS }, (_, i) => `load-${i}`);
  let daemon: DaemonProcess | undefined;
  try {
    daemon = await startDaemonProcess({
      home,
      models: names.map((name) => ({ path: modelPath, as: `${name}.gguf` })),
      env: {
        RBEES_WORKER_SLOTS: String(SLOTS),
        RBEES_QUEUE_CAPACITY: String(CLIENTS * 2),
        RBEES_WORKER_IDLE_S: '3600',
        ...cpuProfileEnv(),
      },
    });
    const d = daemon;
    const rss: { requests: number; kib: number; note: string }[] = [];
    rss.push({ requests: 0, kib: rssKiB(d.pid), note: 'idle, before any request' });
    let done = 0;
    const viaDaemon = async (index: number, maxTokens: number, tokens: Stream) => {
      await daemonJob(d, names[index % MODELS] ?? '', maxTokens, tokens);
      done += 1;
      if (done % 1000 === 0) rss.push({ requests: done, kib: rssKiB(d.pid), note: 'under load' });
    };
    // Warm up: the daemon starts every worker, then both paths open their sockets.
    await Promise.all(names.map((_, i) => viaDaemon(i, 8, [])));
    const workers = await daemonWorkers(d, names);
    await runDirect(workers, 4 * MODELS * SLOTS, 8);

    const loadBefore = loadAverage();
    const direct: Round[] = [];
    const daemonRounds: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      direct.push(await measure(d.pid, () => runDirect(workers, ROUND_REQUESTS, MAX_TOKENS)));
      daemonRounds.push(
        await measure(d.pid, () => closedLoop(CLIENTS, ROUND_REQUESTS, MAX_TOKENS, viaDaemon)),
      );
    }
    const loadAfterRounds = loadAverage();
    const memoryStart = performance.now();
    await closedLoop(CLIENTS, TOTAL_REQUESTS - done, RSS_MAX_TOKENS, viaDaemon);
    const memorySeconds = (performance.now() - memoryStart) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    rss.push({ requests: done, kib: rssKiB(d.pid), note: 'idle, 1 s after the last request' });

    const shape = { CLIENTS, MODELS, SLOTS, ROUNDS, ROUND_REQUESTS, MAX_TOKENS, ADDED_LATENCY_MS };
    reportLoad({ direct, daemonRounds, rss, loadBefore, loadAfterRounds, memorySeconds, shape });
  } finally {
    await daemon?.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

/** One job through the daemon: POST /v2/tasks, then its events to the end. */
async function daemonJob(
  d: DaemonProcess,
  model: string,
  maxTokens: number,
  tokens: Stream,
): Promise<void> {
  const headers = { authorization: `Bearer ${d.token}` };
  const body = { model, prompt: 'Count', max_tokens: maxTokens, temperature: 0 };
  const answer = await send(`${d.url}/v2/tasks`, 'POST', headers, body);
  if (answer.status !== 202) throw new Error(`POST /v2/tasks: ${answer.status} ${answer.body}`);
  const { events_url } = JSON.parse(answer.body) as TaskAccepted;
  await stream(`${d.url}${events_url}`, 'GET', headers, undefined, (event, at) => {
    if (event.type === 'token') tokens.push(at);
    else if (event.type === 'queued') queuedEvents += 1;
    else if (event.type === 'error') throw new Error(`job failed: ${JSON.stringify(event.data)}`);
  });
}

interface DirectWorker {
  port: number;
  secret: string;
}

async function daemonWorkers(d: DaemonProcess, names: string[]): Promise<DirectWorker[]> {
  const { json } = await d.call('GET', '/api/workers');
  const { workers } = json as unknown as WorkersResponse;
  return names.map((name) => {
    const worker = workers.find((w) => w.model === name && w.state === 'ready');
    if (!worker?.port || !worker.pid) {
      throw new Error(`no ready worker for ${name}: ${JSON.stringify(workers)}`);
    }
    return { port: worker.port, secret: startEnvironment(worker.pid, WORKER_SECRET_ENV) };
  });
}

/** A variable of the environment a process of this user started with (Linux). */
function startEnvironment(pid: number, name: string): string {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  const entry = entries.find((e) => e.startsWith(`${name}=`));
  if (entry === undefined) throw new Error(`process ${pid} was not started with ${name}`);
  return entry.slice(name.length + 1);
}

/** `requests` jobs from one client per worker slot, straight to the workers' POST /execute. */
async function runDirect(
  workers: DirectWorker[],
  requests: number,
  maxTokens: number,
): Promise<Stream[]> {
  const streams: Stream[] = [];
  let next = 0;
  await Promise.all(
    workers.flatMap(({ port, secret }) =>
      Array.from({ length: SLOTS }, async () => {
        while (next < requests) {
          const body = {
            ...{ job_id: `direct-${next++}`, prompt: 'Count', max_tokens: maxTokens },
            temperature: 0,
          };
          const tokens: Stream = [];
          for (;;) {
            const answer = await stream(
              `http://127.0.0.1:${port}/execute`,
              'POST',
              { authorization: bearer(secret) },
              body,
              (e, at) => {
                if (e.type === 'token') tokens.push(at);
              },
            );
            // A slot is freed a moment after its stream closes: a client that came back at once
            // is refused (503 WORKER_BUSY), and tries again.
            if (answer.status === 200) break;
            if (answer.status !== 503) throw new Error(`/execute: ${answer.status} ${answer.body}`);
            await new Promise((resolve) => setTimeout(resolve, 1));
          }
          streams.push(tokens);
        }
      }),
    ),
  );
  return streams;
}

/** `clients` clients, each running jobs one after another until `requests` have been sent. */
async function closedLoop(
  clients: number,
  requests: number,
  maxTokens: number,
  job: (index: number, maxTokens: number, tokens: Stream) => Promise<void>,
): Promise<Stream[]> {
  const streams: Stream[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < requests) {
        const tokens: Stream = [];
        await job(next++, maxTokens, tokens);
        streams.push(tokens);
      }
    }),
  );
  return streams;
}

async function measure(pid: number, run: () => Promise<Stream[]>): Promise<Round> {
  const daemonBefore = processCpuMs(pid);
  const queuedBefore = queuedEvents;
  const clientBefore = process.cpuUsage();
  const start = performance.now();
  const streams = await run();
  const seconds = (performance.now() - start) / 1000;
  const client = process.cpuUsage(clientBefore);
  return {
    streams,
    queuedEvents: queuedEvents - queuedBefore,
    seconds,
    clientCpuMs: (client.user + client.system) / 1000,
    daemonCpuMs: processCpuMs(pid) - daemonBefore,
  };
}
