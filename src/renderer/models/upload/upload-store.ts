import { create } from 'zustand';

/**
 * checking → refused | queued → uploading → verifying → done, with failed and cancelled from any
 * state before an end. `verifying`: every byte is sent and the host is hashing the file.
 */
export type UploadState =
  'checking' | 'refused' | 'queued' | 'uploading' | 'verifying' | 'done' | 'failed' | 'cancelled';

/** One dropped file on its way to a host. Serializable: the File and the request live elsewhere. */
export interface Upload {
  id: string;
  host: string;
  fileName: string;
  size: number;
  state: UploadState;
  sent: number;
  /** Bytes per second, smoothed; 0 until two progress events are known. */
  speed: number;
  /** "llama · Q8_0 · 2,048 ctx", from the header, once checked. */
  summary?: string;
  /** Why it was refused or failed, in words. */
  error?: string;
  /** The installed model's id, once done. */
  modelId?: string;
  /** When the last progress event came in (ms), for the speed. */
  progressAt?: number;
}

/** The states an upload can move to from each state; anything else is ignored. */
const NEXT: Record<UploadState, readonly UploadState[]> = {
  checking: ['refused', 'queued', 'cancelled'],
  queued: ['uploading', 'cancelled'],
  uploading: ['verifying', 'done', 'failed', 'cancelled'],
  // A 201 can arrive before the last upload progress event, hence uploading → done too.
  verifying: ['done', 'failed', 'cancelled'],
  refused: [],
  done: [],
  failed: [],
  cancelled: [],
};

export const ENDED: ReadonlySet<UploadState> = new Set(['refused', 'done', 'failed', 'cancelled']);
const BUSY: ReadonlySet<UploadState> = new Set(['uploading', 'verifying']);

/** Weight of the newest sample in the speed's moving average. */
const SPEED_SMOOTHING = 0.3;

interface UploadStore {
  uploads: Upload[];
  /** A file just dropped: its header is about to be checked. Returns its id. */
  add: (host: string, fileName: string, size: number) => string;
  /** Moves an upload to `state` if the state machine allows it; false if not. */
  move: (id: string, state: UploadState, patch?: Partial<Upload>) => boolean;
  /** Bytes sent so far at time `now` (ms); updates the speed. */
  progress: (id: string, sent: number, now: number) => void;
  /** Removes an ended upload from the list. */
  dismiss: (id: string) => void;
}

let nextId = 0;

export const useUploadStore = create<UploadStore>()((set, get) => ({
  uploads: [],
  add: (host, fileName, size) => {
    const id = `upload-${++nextId}`;
    const upload: Upload = { id, host, fileName, size, state: 'checking', sent: 0, speed: 0 };
    set({ uploads: [...get().uploads, upload] });
    return id;
  },
  move: (id, state, patch) => {
    const upload = get().uploads.find((u) => u.id === id);
    if (!upload || !NEXT[upload.state].includes(state)) return false;
    const sent = state === 'done' || state === 'verifying' ? upload.size : upload.sent;
    update(set, get, id, { ...patch, state, sent, ...(ENDED.has(state) ? { speed: 0 } : {}) });
    return true;
  },
  progress: (id, sent, now) => {
    const upload = get().uploads.find((u) => u.id === id);
    if (upload?.state !== 'uploading') return;
    update(set, get, id, { sent, progressAt: now, speed: nextSpeed(upload, sent, now) });
  },
  dismiss: (id) => {
    const upload = get().uploads.find((u) => u.id === id);
    if (!upload || !ENDED.has(upload.state)) return;
    set({ uploads: get().uploads.filter((u) => u.id !== id) });
  },
}));

type SetUploads = (partial: Pick<UploadStore, 'uploads'>) => void;
function update(set: SetUploads, get: () => UploadStore, id: string, patch: Partial<Upload>): void {
  set({ uploads: get().uploads.map((u) => (u.id === id ? { ...u, ...patch } : u)) });
}

function nextSpeed(upload: Upload, sent: number, now: number): number {
  if (upload.progressAt === undefined || now <= upload.progressAt) return upload.speed;
  const sample = ((sent - upload.sent) * 1000) / (now - upload.progressAt);
  return upload.speed === 0 ? sample : upload.speed + SPEED_SMOOTHING * (sample - upload.speed);
}

/** The upload to start next on `host`: none while one is uploading or verifying there. */
export function nextQueued(uploads: readonly Upload[], host: string): Upload | undefined {
  const onHost = uploads.filter((u) => u.host === host);
  if (onHost.some((u) => BUSY.has(u.state))) return undefined;
  return onHost.find((u) => u.state === 'queued');
}
