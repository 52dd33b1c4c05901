import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { InferenceEvent } from '../../src/shared/inference';
import { decodeInferenceEvents } from '../../src/shared/sse';

/**
 * The load benchmarks' HTTP client: node:http with keep-alive rather than fetch, because hundreds
 * of streams share 2 cores with the daemon and its workers, and undici's web streams cost several
 * times more CPU per chunk (the daemon's worker-client.ts measured the same). Whatever the client
 * spends is taken from the process under test, so it is kept as small as it can be.
 */
export const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

export interface Answer {
  status: number;
  body: string;
  /** From the request's first byte leaving to the whole answer read (ms). */
  ms: number;
}

/** One JSON request; resolves with the status, the body text and the round-trip time. */
export function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request(url, {
      method,
      agent,
      headers: {
        ...headers,
        ...(payload !== undefined
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
          : {}),
      },
    });
    req.setNoDelay(true);
    req.once('error', reject);
    req.once('response', (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.once('end', () =>
        resolve({ status: res.statusCode ?? 0, body: text, ms: performance.now() - start }),
      );
      res.once('error', reject);
    });
    req.end(payload);
  });
}

/**
 * An SSE request (a POST with a body, or a GET); calls `onEvent` with each event and the time it
 * was read (performance.now()). Resolves with the status once the stream ends; a non-200 answer's
 * body is returned instead of being parsed as events.
 */
export function stream(
  url: string,
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  body: unknown,
  onEvent: (event: InferenceEvent, at: number) => void,
): Promise<{ status: number; body: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method,
      agent,
      headers: {
        ...headers,
        accept: 'text/event-stream',
        ...(payload !== undefined
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
          : {}),
      },
    });
    req.setNoDelay(true);
    req.once('error', reject);
    req.once('response', (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.once('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        return;
      }
      void (async () => {
        for await (const event of decodeInferenceEvents(res)) onEvent(event, performance.now());
        return { status: 200, body: '' };
      })().then(resolve, reject);
    });
    req.end(payload);
  });
}

/** Resident set size of a process, in KiB (VmRSS in /proc/<pid>/status). */
export function rssKiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]);
}

/** The 1, 5 and 15 minute load averages, as `uptime` prints them. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/**
 * Preloaded into the daemon (`node --require`): a V8 CPU profile of its whole run, written to
 * $BENCH_CPU_PROF/<pid>.cpuprofile when it exits. Only rbees-orcd (serve.js) is profiled, not the
 * workers that inherit its environment. An in-process inspector session answers synchronously, so
 * the profile is written from the exit handler.
 */
const PROFILE_PRELOAD = `
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
if (/serve\\.js$/.test(process.argv[1] || '')) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(process.env.BENCH_CPU_PROF + '/' + process.pid + '.cpuprofile',
        JSON.stringify(result.profile));
    });
  });
}
`;

/**
 * BENCH_CPU_PROF=<dir>: the daemon's environment for a CPU profile in that folder (NODE_OPTIONS
 * refuses `--cpu-prof` itself, so a preload starts the profiler through node:inspector).
 */
export function cpuProfileEnv(): Record<string, string> {
  const dir = process.env.BENCH_CPU_PROF;
  if (!dir) return {};
  const preload = join(dir, 'profile-preload.cjs');
  writeFileSync(preload, PROFILE_PRELOAD);
  return { NODE_OPTIONS: `--require ${preload}`, BENCH_CPU_PROF: dir };
}
