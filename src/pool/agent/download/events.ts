import { DownloadEventSchema } from '../../../shared/model-schemas';
import type { DownloadEvent } from '../../../shared/pool-status';

export type { DownloadEvent };

export function isTerminal(
  e: DownloadEvent,
): e is Extract<DownloadEvent, { event: 'done' | 'error' }> {
  return e.event === 'done' || e.event === 'error';
}

/** Parses one log line; undefined for anything else (a crash's stack trace, a torn line). */
export function parseEvent(line: string): DownloadEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = DownloadEventSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
