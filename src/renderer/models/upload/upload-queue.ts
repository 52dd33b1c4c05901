import { checkGgufFile, type GgufHeader } from '../../../shared/gguf-header';
import type { UploadResponse } from '../../../shared/hosts';
import { MODEL_FILE_NAME } from '../../../shared/models';
import { getConnection } from '../../api/connection';
import { sendFile } from './upload-file';
import { nextQueued, useUploadStore } from './upload-store';

export type OnInstalled = (host: string, model: UploadResponse) => void;

/** What the store must not hold (not serializable): the files, and how to stop each request. */
const files = new Map<string, { file: File; onInstalled?: OnInstalled | undefined }>();
const cancels = new Map<string, () => void>();

/**
 * Checks each file's header and name before anything is sent, then uploads the good ones one at
 * a time per host: parallel uploads to one host only share its link and disk.
 */
export function addFiles(host: string, list: Iterable<File>, onInstalled?: OnInstalled): void {
  for (const file of list) {
    const id = useUploadStore.getState().add(host, file.name, file.size);
    files.set(id, { file, onInstalled });
    void check(id, host, file);
  }
}

/** Stops an upload in any state before its end; the host removes a partial file. */
export function cancelUpload(id: string): void {
  const cancel = cancels.get(id);
  if (cancel) return cancel(); // the request's abort ends it as cancelled
  if (useUploadStore.getState().move(id, 'cancelled')) files.delete(id);
}

async function check(id: string, host: string, file: File): Promise<void> {
  const store = useUploadStore.getState();
  let refusal: string | undefined;
  let summary: string | undefined;
  try {
    const result = await checkGgufFile(
      { fileName: file.name, fileSize: file.size },
      async (n) => new Uint8Array(await file.slice(0, n).arrayBuffer()),
    );
    if (result.ok) summary = describeHeader(result.header);
    else refusal = result.message;
  } catch (err) {
    refusal = `${file.name} could not be read: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (refusal === undefined && !MODEL_FILE_NAME.test(file.name)) {
    refusal =
      `${file.name} cannot be a model name on ${host}: rename the file to letters, digits, ` +
      '".", "_", "+" or "-", starting with a letter or digit and ending in .gguf.';
  }
  if (refusal !== undefined) {
    store.move(id, 'refused', { error: refusal });
    files.delete(id);
  } else if (store.move(id, 'queued', { summary })) {
    pump(host);
  }
}

function pump(host: string): void {
  const next = nextQueued(useUploadStore.getState().uploads, host);
  const entry = next && files.get(next.id);
  if (!next || !entry) return;
  const { id } = next;
  const store = useUploadStore.getState();
  store.move(id, 'uploading', { progressAt: performance.now() });
  const { apiBase, token } = getConnection();
  const sending = sendFile({
    apiBase,
    token,
    host,
    file: entry.file,
    onProgress: (sent) => store.progress(id, sent, performance.now()),
    onAllSent: () => store.move(id, 'verifying'),
  });
  cancels.set(id, sending.cancel);
  void sending.result.then((result) => {
    cancels.delete(id);
    files.delete(id);
    if (result.ok) {
      store.move(id, 'done', { modelId: result.model.id });
      entry.onInstalled?.(host, result.model);
    } else {
      store.move(id, result.cancelled ? 'cancelled' : 'failed', { error: result.message });
    }
    pump(host);
  });
}

/** "llama · Q8_0 · 2,048 ctx": what the header says, shown before and while it uploads. */
export function describeHeader(header: GgufHeader): string {
  const parts = [
    header.architecture,
    header.sizeLabel,
    header.fileTypeName,
    header.contextLength ? `${header.contextLength.toLocaleString('en-US')} ctx` : undefined,
  ];
  return parts.filter(Boolean).join(' · ');
}
