import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { PRIVATE_FILE } from './private-home';

export type { Logger };

/**
 * Structured JSON logs in `$RBEES_HOME/logs/rbees-orcd.log`. They never hold prompts or the token:
 * request logs carry method, path and status only, and the redaction list is a second guard.
 */
export function createLogger(
  logsDir: string,
  level = process.env.RBEES_LOG_LEVEL ?? 'info',
): Logger {
  const destination = pino.destination({
    dest: join(logsDir, 'rbees-orcd.log'),
    sync: false,
    mode: PRIVATE_FILE,
  });
  return pino(
    {
      level,
      redact: {
        paths: ['token', 'authorization', 'headers.authorization', 'prompt', 'messages'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
