import { isErrorCode } from '../../../shared/errors';
import type { DownloadEvent } from '../../../shared/pool-status';

export type { DownloadEvent };

export function isTerminal(
  e: DownloadEvent,
): e is Extract<DownloadEvent, { event: 'done' | 'error' }> {
  return e.event === 'done' || e.event === 'error';
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const str = (v: unknown): v is string => typeof v === 'string';

/** Parses one log line; undefined for anything else (a crash's stack trace, a torn line). */
export function parseEvent(line: string): DownloadEvent | undefined {
  let v: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    v = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  switch (v.event) {
    case 'start':
      return str(v.id) && str(v.ref) && str(v.file) && num(v.total) && num(v.resumed_from)
        ? {
            event: 'start',
            id: v.id,
            ref: v.ref,
            file: v.file,
            total: v.total,
            resumed_from: v.resumed_from,
          }
        : undefined;
    case 'progress':
      return num(v.bytes) &&
        num(v.total) &&
        num(v.bytes_per_sec) &&
        (v.eta_s === null || num(v.eta_s))
        ? {
            event: 'progress',
            bytes: v.bytes,
            total: v.total,
            bytes_per_sec: v.bytes_per_sec,
            eta_s: v.eta_s,
          }
        : undefined;
    case 'done':
      return str(v.id) && str(v.path) && str(v.sha256)
        ? { event: 'done', id: v.id, path: v.path, sha256: v.sha256 }
        : undefined;
    case 'error':
      return isErrorCode(v.code) && str(v.message)
        ? { event: 'error', code: v.code, message: v.message }
        : undefined;
    default:
      return undefined;
  }
}
