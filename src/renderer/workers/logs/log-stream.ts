import { API } from '../../../shared/api';
import type { ErrorBody } from '../../../shared/errors';
import type { WorkerLogEvent } from '../../../shared/hosts';
import { decodeSse, iterateBody } from '../../../shared/sse';
import { frameScheduler, type Scheduler } from '../../ui/frame-scheduler';
import type { LogBuffer } from './log-buffer';
import { OverlapTrimmer } from './log-resync';

/** Where a log stream is; `ended` carries the daemon's reason, `error` a sentence. */
export type LogStreamState =
  | { status: 'connecting'; retrying: boolean }
  | { status: 'streaming' }
  | { status: 'ended'; reason: string }
  | { status: 'error'; message: string };

export interface LogStreamOptions {
  host: string;
  workerId: string;
  buffer: LogBuffer;
  onState: (state: LogStreamState) => void;
  apiBase: string;
  token: string | undefined;
  /** Keep streaming new lines (default true). */
  follow?: boolean;
  /** How many existing lines to start with (default 5,000). */
  lines?: number;
  fetchImpl?: typeof fetch;
  schedule?: Scheduler;
  /** Wait before the one retry after a dropped connection (default 1 s). */
  retryDelayMs?: number;
}

/** A connection that stayed up this long earns a fresh retry. */
const STABLE_MS = 10_000;

/**
 * Streams a worker's log into `buffer`. Lines are handed over once per frame: at 5,000 lines/s a
 * buffer change (and React render) per line would swamp the main thread; per frame it is ~60
 * small appends a second whatever the rate. Returns `close`, which aborts the request.
 */
export function openLogStream(options: LogStreamOptions): () => void {
  const {
    buffer,
    onState,
    follow = true,
    lines = 5000,
    fetchImpl = fetch.bind(globalThis),
    schedule = frameScheduler,
    retryDelayMs = 1000,
  } = options;
  const abort = new AbortController();
  const { signal } = abort;
  let pending: string[] = [];
  let cancelFlush: (() => void) | undefined;
  let trimmer: OverlapTrimmer | undefined;

  const flush = () => {
    cancelFlush?.();
    cancelFlush = undefined;
    if (pending.length === 0 || signal.aborted) return;
    const batch = pending;
    pending = [];
    buffer.append(batch);
  };
  const push = (line: string) => {
    if (trimmer) pending.push(...trimmer.push(line));
    else pending.push(line);
    cancelFlush ??= schedule(flush);
  };
  const settle = () => {
    if (trimmer) pending.push(...trimmer.settle());
    trimmer = undefined;
    flush();
  };
  const report = (state: LogStreamState) => {
    if (!signal.aborted) onState(state);
  };

  /** One request; 'dropped' when the connection closed without the daemon saying why. */
  const readOnce = async (count: number): Promise<'done' | 'dropped'> => {
    const query = `?lines=${count}${follow ? '&follow=1' : ''}`;
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const url = `${options.apiBase}${API.hostWorkerLogs(options.host, options.workerId)}${query}`;
    let response: Response;
    try {
      response = await fetchImpl(url, { headers, signal });
    } catch {
      return 'dropped';
    }
    if (!response.ok) {
      report({ status: 'error', message: await errorMessage(response, options) });
      return 'done';
    }
    if (!response.body) return 'dropped';
    report({ status: 'streaming' });
    try {
      for await (const message of decodeSse(iterateBody(response.body))) {
        if (message.event === 'log') {
          push((JSON.parse(message.data) as Extract<WorkerLogEvent, { event: 'log' }>).line);
        } else if (message.event === 'logs_end') {
          settle();
          const end = JSON.parse(message.data) as Extract<WorkerLogEvent, { event: 'logs_end' }>;
          report({ status: 'ended', reason: end.reason });
          return 'done';
        } else if (message.event === 'error') {
          settle();
          report({ status: 'error', message: (JSON.parse(message.data) as ErrorBody).message });
          return 'done';
        }
      }
    } catch (err) {
      if (signal.aborted) return 'done';
      // A network error mid-stream, or a line that is not JSON: the latter is not worth a retry.
      if (err instanceof SyntaxError) {
        settle();
        report({
          status: 'error',
          message: `The log stream sent a malformed line: ${err.message}`,
        });
        return 'done';
      }
    }
    return 'dropped';
  };

  const run = async () => {
    let count = lines;
    let retried = false;
    for (;;) {
      report({ status: 'connecting', retrying: retried });
      const startedAt = Date.now();
      const outcome = await readOnce(count);
      settle();
      if (signal.aborted || outcome === 'done') return;
      if (!follow) {
        report({ status: 'ended', reason: 'connection_closed' });
        return;
      }
      if (retried && Date.now() - startedAt < STABLE_MS) {
        report({
          status: 'error',
          message: `Lost the log stream of ${options.workerId} on ${options.host} twice; reopen the logs to try again.`,
        });
        return;
      }
      retried = true;
      await delay(retryDelayMs, signal);
      if (signal.aborted) return;
      // Ask for as many lines as the buffer's tail to compare against, so the gap is filled
      // and the overlap dropped (see log-resync.ts).
      const tail = buffer.tail(Math.min(lines, 1000));
      trimmer = tail.length > 0 ? new OverlapTrimmer(tail) : undefined;
      count = tail.length > 0 ? tail.length : lines;
    }
  };
  void run();

  return () => {
    abort.abort();
    cancelFlush?.();
    pending = [];
  };
}

async function errorMessage(response: Response, options: LogStreamOptions): Promise<string> {
  try {
    const body = (await response.json()) as { error?: ErrorBody };
    if (body.error?.message) return body.error.message;
  } catch {
    // Not JSON: say what we know.
  }
  return `The daemon answered ${response.status} for the logs of ${options.workerId} on ${options.host}.`;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
