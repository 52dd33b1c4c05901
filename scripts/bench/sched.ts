import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskAccepted } from '../../src/shared/inference';
import { startDaemonProcess, type DaemonProcess } from '../testing/daemon-process';
import { cpuProfileEnv, loadAverage, send, stream } from './http-client';
import { printTargets, rowOf } from './targets';

/**
 * Admission and scheduling latency under load (issue 5). CLIENTS clients each submit a job, follow
 * its events to the end and submit the next, so the queue always holds about CLIENTS - 1 jobs and
 * the one worker slot never idles for want of work.
 *
 * - Admission: POST /v2/tasks sent → its 202 read, at the client (node:http, keep-alive); and the
 *   daemon's own view of the same requests, Fastify's `responseTime` in its request log (found by
 *   the correlation id the client sets), which leaves out the client's and the kernel's share.
 * - Scheduling: with one worker of one slot, every job but the first starts when the one before it
 *   frees the slot. Hand-over = the client reading job B's `started` minus the client reading the
 *   previous job A's `end`. Both events cross the same daemon → client path, so its delay mostly
 *   cancels; what is left is the daemon noticing the slot is free, dispatching B (POST /execute to
 *   the worker) and relaying the worker's `started`. (The daemon releases the slot when A's worker
 *   stream closes, just before it writes A's `end`: the measure starts a few µs late, not early.)
 */
const CLIENTS = 64;
const JOBS = 1500;
const ADMISSION_MS = 10;
const SCHEDULING_MS = 50;

interface Seen {
  job: string;
  type: 'started' | 'end';
  at: number;
}

export async function benchSched(modelPath: string): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'rbees-bench-sched-'));
  let daemon: DaemonProcess | undefined;
  try {
    daemon = await startDaemonProcess({
      home,
      models: [{ path: modelPath, as: 'sched.gguf' }],
      env: {
        RBEES_WORKER_SLOTS: '1',
        RBEES_QUEUE_CAPACITY: String(CLIENTS * 2),
        RBEES_LOG_LEVEL: 'info',
        ...cpuProfileEnv(),
      },
    });
    const d = daemon;
    const headers = { authorization: `Bearer ${d.token}` };
    const runJob = async (correlationId: string, seen: Seen[] | undefined) => {
      const answer = await send(
        `${d.url}/v2/tasks`,
        'POST',
        { ...headers, 'x-correlation-id': correlationId },
        { model: 'sched', prompt: 'Hi', max_tokens: 64, temperature: 0 },
      );
      if (answer.status !== 202) throw new Error(`POST /v2/tasks: ${answer.status} ${answer.body}`);
      const accepted = JSON.parse(answer.body) as TaskAccepted;
      let ended = false;
      await stream(`${d.url}${accepted.events_url}`, 'GET', headers, undefined, (event, at) => {
        if (event.type === 'started' || event.type === 'end') {
          seen?.push({ job: accepted.job_id, type: event.type, at });
        }
        if (event.type === 'error') throw new Error(`job failed: ${JSON.stringify(event.data)}`);
        if (event.type === 'end') ended = true;
      });
      if (!ended) throw new Error(`job ${accepted.job_id}: the stream ended without 'end'`);
      return answer.ms;
    };
    // Warm up: starts the worker, loads the model, opens a keep-alive socket per client.
    await runJob('warm', undefined);
    await Promise.all(Array.from({ length: CLIENTS }, (_, i) => runJob(`warm-${i}`, undefined)));

    const seen: Seen[] = [];
    const admissionMs: number[] = [];
    let next = 0;
    const loadBefore = loadAverage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < JOBS) {
          const index = next++;
          admissionMs[index] = await runJob(`adm-${index}`, seen);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const handOverMs = handOvers(seen);
    await d.stop();
    const serverMs = serverResponseTimes(join(home, 'logs', 'rbees-orcd.log'));
    // The first CLIENTS requests leave at the same instant (every client starts at once) and wait
    // for one another in the daemon's event loop: a burst, reported apart from the steady state.
    const burst = (values: number[]) => values.slice(0, CLIENTS);
    const steady = (values: number[]) => values.slice(CLIENTS);
    printTargets(
      `scheduling: ${JOBS} jobs (the script model's short reply, max_tokens 64) from ` +
        `${CLIENTS} clients in a closed loop, 1 worker × 1 slot, ` +
        `${(JOBS / seconds).toFixed(0)} jobs/s; load ${loadBefore} before, ${loadAverage()} after`,
      [
        rowOf('admission, POST → 202 at the client', steady(admissionMs), 'ms', ADMISSION_MS),
        rowOf('admission, daemon responseTime (its log)', steady(serverMs), 'ms', ADMISSION_MS),
        rowOf(`admission, burst of ${CLIENTS} at once, client`, burst(admissionMs), 'ms'),
        rowOf(`admission, burst of ${CLIENTS} at once, daemon`, burst(serverMs), 'ms'),
        rowOf("scheduling, A's end → next job's started", handOverMs, 'ms', SCHEDULING_MS),
      ],
    );
  } finally {
    await daemon?.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

/** With one slot, each `started` after the first follows the `end` read just before it. */
function handOvers(seen: Seen[]): number[] {
  const sorted = [...seen].sort((a, b) => a.at - b.at);
  const gaps: number[] = [];
  let lastEnd: Seen | undefined;
  for (const event of sorted) {
    if (event.type === 'end') lastEnd = event;
    else if (lastEnd) {
      gaps.push(event.at - lastEnd.at);
      lastEnd = undefined;
    }
  }
  return gaps;
}

/** `responseTime` (ms) of Fastify's `request completed` lines for `adm-<n>`, indexed by n. */
function serverResponseTimes(logFile: string): number[] {
  const times: number[] = [];
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('"request completed"')) continue;
    const entry = JSON.parse(line) as { reqId?: string; responseTime?: number };
    const index = /^adm-(\d+)$/.exec(entry.reqId ?? '')?.[1];
    if (index !== undefined && entry.responseTime !== undefined) {
      times[Number(index)] = entry.responseTime;
    }
  }
  return times;
}
