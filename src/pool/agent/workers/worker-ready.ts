import { isErrorCode, RbeesError } from '../../../shared/errors';
import type { LogFollower } from './log-reader';

const POLL_MS = 50;

export interface ReadyWatch {
  id: string;
  timeoutMs: number;
  /** How the worker ended (a signal name or `code N`), once it has. */
  exited(): string | undefined;
  /** The signal that interrupted the agent, if one did. */
  interrupted(): string | undefined;
}

/**
 * Reads the worker's log until its one JSON line: `ready` gives the port; `error` is relayed
 * with the worker's own code; an exit, a timeout or an interruption fail with the log's tail.
 */
export async function waitForReady(log: LogFollower, watch: ReadyWatch): Promise<number> {
  const { id, timeoutMs } = watch;
  const deadline = Date.now() + timeoutMs;
  const recent: string[] = [];
  try {
    for (;;) {
      const gone = watch.exited();
      const lines = await log.read();
      if (gone !== undefined) lines.push(...log.rest());
      for (const line of lines) {
        recent.push(line);
        if (recent.length > 20) recent.shift();
        const event = parseWorkerLine(line);
        if (event?.event === 'ready') return event.port;
        if (event?.event === 'error') {
          throw new RbeesError(event.code, event.message, { id, log: log.path });
        }
      }
      if (gone !== undefined) {
        throw new RbeesError(
          'WORKER_CRASHED',
          `worker ${id} exited (${gone}) before it was ready; last log lines:\n${recent.join('\n')}`,
          { id, log: log.path },
        );
      }
      const signal = watch.interrupted();
      if (signal !== undefined) {
        throw new RbeesError(
          'CANCELLED',
          `spawning worker ${id} was interrupted (${signal}); the worker was stopped`,
          { id },
        );
      }
      if (Date.now() > deadline) {
        throw new RbeesError(
          'WORKER_UNAVAILABLE',
          `worker ${id} was not ready within ${timeoutMs / 1000} s — see ${log.path}, or raise --timeout for a large model`,
          { id, log: log.path },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    await log.close();
  }
}

type WorkerLine =
  { event: 'ready'; port: number } | { event: 'error'; code: RbeesError['code']; message: string };

/** The worker's one stdout line among its stderr lines (which never start with `{`). */
function parseWorkerLine(line: string): WorkerLine | undefined {
  if (!line.startsWith('{"event":')) return undefined;
  try {
    const value = JSON.parse(line) as Record<string, unknown>;
    if (value.event === 'ready' && typeof value.port === 'number')
      return { event: 'ready', port: value.port };
    if (value.event === 'error') {
      const code = isErrorCode(value.code) ? value.code : 'WORKER_CRASHED';
      return { event: 'error', code, message: String(value.message) };
    }
  } catch {
    // Not the worker's line after all.
  }
  return undefined;
}
