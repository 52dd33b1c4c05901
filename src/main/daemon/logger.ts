import { once } from 'node:events';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { PRIVATE_FILE } from './private-home';

export type { Logger };

/** The daemon's log and the close of its file. */
export interface DaemonLog {
  logger: Logger;
  /** Writes what is buffered and closes the file; the logger must not be used after it. */
  close(): Promise<void>;
}

/**
 * Structured JSON logs in `$RBEES_HOME/logs/rbees-orcd.log`. They never hold prompts or the token:
 * request logs carry method, path and status only, and the redaction list is a second guard.
 */
export function openLog(logsDir: string, level = process.env.RBEES_LOG_LEVEL ?? 'info'): DaemonLog {
  const destination = pino.destination({
    dest: join(logsDir, 'rbees-orcd.log'),
    sync: false,
    mode: PRIVATE_FILE,
  });
  const logger = pino(
    {
      level,
      redact: {
        paths: ['token', 'authorization', 'headers.authorization', 'prompt', 'messages'],
        censor: '[redacted]',
      },
    },
    destination,
  );
  let closed: Promise<unknown> | undefined;
  return {
    logger,
    async close() {
      if (!closed) {
        closed = once(destination, 'close');
        destination.end();
      }
      await closed;
    },
  };
}
