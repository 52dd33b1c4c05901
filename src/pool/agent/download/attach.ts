import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DownloadState } from './download-state';
import { defaultModelsDir, downloadFiles, readState, reconcile } from './download-state';
import type { DownloadEvent } from './events';
import { isTerminal, parseEvent } from './events';

const POLL_MS = 100; // the progress interval: polling faster would only find nothing new

/** The terminal event a state implies, for a log that ended without one (a killed process). */
function terminalFromState(s: DownloadState): DownloadEvent | undefined {
  switch (s.state) {
    case 'running':
      return undefined;
    case 'done':
      return { event: 'done', id: s.id, path: s.path ?? '', sha256: s.sha256 ?? '' };
    case 'cancelled':
      return {
        event: 'error',
        code: 'CANCELLED',
        message: s.error?.message ?? `Download ${s.id} was cancelled.`,
      };
    case 'failed':
      return {
        event: 'error',
        code: s.error?.code ?? 'DOWNLOAD_FAILED',
        message: s.error?.message ?? `Download ${s.id} failed.`,
      };
  }
}

/**
 * Follows a detached download by tailing its log from the start: every event so far, then the
 * new ones, ending after the terminal `done` or `error`. A process that died without writing one
 * ends the stream with what its state file says (reconciled: a dead `running` is `failed`).
 */
export async function* attachDownload(
  id: string,
  opts: { modelsDir?: string; signal?: AbortSignal } = {},
): AsyncGenerator<DownloadEvent> {
  const { signal } = opts;
  const modelsDir = opts.modelsDir ?? defaultModelsDir();
  const files = downloadFiles(modelsDir, id);
  await readState(modelsDir, id); // NOT_FOUND for an unknown id, before waiting on a log
  const decoder = new StringDecoder('utf8'); // a multi-byte character may straddle two reads
  const buffer = Buffer.allocUnsafe(64 * 1024);
  let offset = 0;
  let pending = '';
  for (;;) {
    signal?.throwIfAborted();
    const fh = await open(files.log, 'r').catch(() => undefined);
    let read = 0;
    if (fh) {
      try {
        for (;;) {
          const { bytesRead } = await fh.read(buffer, 0, buffer.length, offset);
          if (bytesRead === 0) break;
          offset += bytesRead;
          read += bytesRead;
          pending += decoder.write(buffer.subarray(0, bytesRead));
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) {
            const event = parseEvent(line);
            if (!event) continue;
            yield event;
            if (isTerminal(event)) return;
          }
        }
      } finally {
        await fh.close();
      }
    }
    if (read === 0) {
      // Nothing new. A process writes its last log line before its final state, so once the
      // state is terminal the log is complete: drain it, else end with what the state says.
      const state = reconcile(await readState(modelsDir, id));
      const ended = terminalFromState(state);
      if (ended) {
        const last = await drainRest(files.log, offset, pending + decoder.end());
        if (last) {
          yield* last.events;
          if (last.terminal) return;
        }
        yield ended;
        return;
      }
      await sleep(POLL_MS, undefined, { signal });
    }
  }
}

/** What the log still holds after `offset` once the process is done writing. */
async function drainRest(
  path: string,
  offset: number,
  carried: string,
): Promise<{ events: DownloadEvent[]; terminal: boolean } | undefined> {
  const fh = await open(path, 'r').catch(() => undefined);
  if (!fh) return undefined;
  try {
    const { size } = await fh.stat();
    const rest = Buffer.alloc(Math.max(0, size - offset));
    if (rest.length > 0) await fh.read(rest, 0, rest.length, offset);
    const events: DownloadEvent[] = [];
    for (const line of (carried + rest.toString('utf8')).split('\n')) {
      const event = parseEvent(line);
      if (!event) continue;
      events.push(event);
      if (isTerminal(event)) return { events, terminal: true };
    }
    return { events, terminal: false };
  } finally {
    await fh.close();
  }
}
