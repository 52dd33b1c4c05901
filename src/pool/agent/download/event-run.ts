import { toErrorBody } from '../../../shared/errors';
import type { DownloadOptions } from './download-model';
import { downloadModel } from './download-model';
import type { DownloadState } from './download-state';
import { writeState } from './download-state';
import type { DownloadEvent } from './events';

/**
 * Runs one download as a stream of events (what --json prints and a detached log holds). With
 * `record`, a detached child also keeps `<downloads>/<id>.json` up to date; each event is emitted
 * (written to the log) before the state that follows from it, which `attachDownload` relies on.
 * Resolves to true on success; never throws (failures become the `error` event).
 */
export async function runDownloadEvents(
  ref: string,
  id: string,
  options: DownloadOptions,
  emit: (e: DownloadEvent) => void,
  record?: DownloadState,
): Promise<boolean> {
  let state: DownloadState | undefined = record
    ? { ...record, pid: process.pid, state: 'running' }
    : undefined;
  // Writes are chained: two renames of the same temp file must not interleave.
  let writes: Promise<void> = Promise.resolve();
  const save = (patch: Partial<DownloadState>): void => {
    if (!state) return;
    state = { ...state, ...patch };
    const snapshot = state;
    writes = writes.then(() => writeState(options.modelsDir, snapshot)).catch(() => undefined);
  };
  save({});
  try {
    const result = await downloadModel(ref, {
      ...options,
      onResolved: (remote, resumeFrom) => {
        emit({
          event: 'start',
          id,
          ref,
          file: remote.fileName,
          total: remote.size,
          resumed_from: resumeFrom,
        });
        save({ file: remote.fileName, total: remote.size, bytes: resumeFrom });
      },
      onProgress: (p) => {
        emit({ event: 'progress', ...p });
        save({ bytes: p.bytes, total: p.total });
      },
    });
    emit({ event: 'done', id, path: result.path, sha256: result.sha256 });
    save({ state: 'done', path: result.path, sha256: result.sha256, bytes: result.size });
    return true;
  } catch (err) {
    const { code, message } = toErrorBody(err);
    emit({ event: 'error', code, message });
    save({ state: code === 'CANCELLED' ? 'cancelled' : 'failed', error: { code, message } });
    return false;
  } finally {
    await writes;
  }
}
