import { access } from 'node:fs/promises';
import { RbeesError } from '../../../shared/errors';
import { LogFollower, tailLines } from './log-reader';
import type { Output } from '../cli/output';
import { workerLogPath, workersDir } from '../paths';
import { isAlive, readState } from './worker-state';

const FOLLOW_POLL_MS = 100;
/** Liveness costs a /proc read (or a ps on macOS): check it less often than the log. */
const ALIVE_EVERY_MS = 500;

/**
 * Prints the last `lines` lines; with `follow`, then every appended line until SIGINT/SIGTERM or
 * the worker exits. Polling rather than fs.watch: it behaves the same on every filesystem
 * (network mounts, overlayfs), and one read per 100 ms batches a chatty worker's output.
 */
export async function showLogs(
  id: string,
  lines: number,
  follow: boolean,
  out: Output,
): Promise<void> {
  const path = workerLogPath(id);
  try {
    await access(path);
  } catch {
    throw new RbeesError(
      'NOT_FOUND',
      `no log for worker "${id}" (${path}) — see \`rbees-pool worker list\``,
      { id },
    );
  }
  const print = (line: string) => out.emit({ event: 'log', id, line }, line);
  const tail = await tailLines(path, lines);
  tail.lines.forEach(print);
  if (!follow) {
    out.emit({ event: 'logs_end', id, reason: 'eof' });
    return;
  }

  // The tail is out; the daemon, which shares one follow among its readers, starts them here.
  out.emit({ event: 'logs_live', id });
  const stopped = new AbortController();
  const onSignal = () => stopped.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const follower = new LogFollower(path, tail.end);
  let reason: 'worker_exited' | 'signal' = 'signal';
  try {
    let lastAliveCheck = 0;
    while (!stopped.signal.aborted) {
      (await follower.read()).forEach(print);
      if (Date.now() - lastAliveCheck >= ALIVE_EVERY_MS) {
        lastAliveCheck = Date.now();
        const state = await readState(workersDir(), id);
        if (state === undefined || !(await isAlive(state))) {
          // Its last words may have landed after the read above.
          [...(await follower.read()), ...follower.rest()].forEach(print);
          reason = 'worker_exited';
          break;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await follower.close();
  }
  out.emit({ event: 'logs_end', id, reason });
}
