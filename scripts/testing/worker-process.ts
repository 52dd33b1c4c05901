/** Test helpers: run the real rbees-workerd process and talk to it over real HTTP. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { WORKER_ROUTES, type InferenceEvent, type WorkerStatus } from '../../src/shared/inference';
import { decodeInferenceEvents, iterateBody } from '../../src/shared/sse';
import { bearer, newWorkerSecret, WORKER_SECRET_ENV } from '../../src/shared/worker-auth';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/pool/workerd/main.ts', import.meta.url));

export interface WorkerProcess {
  proc: ChildProcess;
  /** The first stdout line, parsed. */
  line: Record<string, unknown>;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

/** Where a worker listens and the secret its routes need. */
export interface WorkerAddress {
  base: string;
  secret: string;
}

/**
 * Spawns the worker through tsx (no build needed) and waits for its one JSON line. It gets
 * `secret` (default: a fresh one) in its environment; null starts it without one.
 */
export async function spawnWorker(
  args: readonly string[],
  secret: string | null = newWorkerSecret(),
): Promise<WorkerProcess & { secret: string }> {
  const env = { ...process.env };
  if (secret === null) delete env[WORKER_SECRET_ENV];
  else env[WORKER_SECRET_ENV] = secret;
  const proc = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(proc, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  const lines = createInterface({ input: proc.stdout });
  const early = exited.then((code) => {
    throw new Error(`rbees-workerd exited (${code}) before its first line:\n${stderr}`);
  });
  early.catch(() => undefined); // only matters if it wins the race
  const first = await Promise.race([once(lines, 'line').then(([text]) => text as string), early]);
  const line = JSON.parse(first) as Record<string, unknown>;
  return { proc, line, stderr: () => stderr, exited, secret: secret ?? '' };
}

/** A ready worker on a free port. */
export async function startWorker(model: string, extra: readonly string[] = []) {
  const worker = await spawnWorker(['--model', model, '--port', '0', '--threads', '1', ...extra]);
  if (worker.line.event !== 'ready') {
    throw new Error(`rbees-workerd did not start: ${JSON.stringify(worker.line)}`);
  }
  const base = `http://127.0.0.1:${worker.line.port as number}`;
  return { ...worker, base };
}

export async function stopWorker(worker: WorkerProcess | undefined): Promise<void> {
  if (worker === undefined || worker.proc.exitCode !== null || worker.proc.signalCode !== null) {
    return;
  }
  worker.proc.kill('SIGKILL');
  await worker.exited;
}

export function postJson(worker: WorkerAddress, path: string, body: unknown, signal?: AbortSignal) {
  return fetch(`${worker.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: bearer(worker.secret) },
    body: JSON.stringify(body),
    signal,
  });
}

/** The events of an `/execute` response, as they arrive. */
export async function* events(response: Response): AsyncGenerator<InferenceEvent, void> {
  if (response.body === null) throw new Error('no body');
  yield* decodeInferenceEvents(iterateBody(response.body));
}

export async function collect(response: Response): Promise<InferenceEvent[]> {
  const all: InferenceEvent[] = [];
  for await (const event of events(response)) all.push(event);
  return all;
}

export function textOf(all: readonly InferenceEvent[]): string {
  return all.map((event) => (event.type === 'token' ? event.data.t : '')).join('');
}

/** `GET /status`, with the secret. */
export async function status(worker: WorkerAddress): Promise<WorkerStatus> {
  const response = await fetch(`${worker.base}${WORKER_ROUTES.status}`, {
    headers: { authorization: bearer(worker.secret) },
  });
  return (await response.json()) as WorkerStatus;
}

/** Polls `check` until it returns true; fails with `what` after `ms`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 2000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
