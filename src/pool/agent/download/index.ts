/** Model downloads for rbees-pool: Hugging Face → the models folder, resumable and verified. */
export { attachDownload } from './attach';
export type { CommandIo } from './command';
export { runDownloadCommand } from './command';
export { DOWNLOAD_USAGE } from './usage';
export type { DetachedDownload, DetachedOptions } from './detached';
export { cancelDownload, startDetachedDownload } from './detached';
export type { StatfsFn } from './disk-space';
export type { DownloadOptions, DownloadResult } from './download-model';
export { downloadModel } from './download-model';
export type { DownloadState, DownloadStateName } from './download-state';
export { defaultModelsDir, downloadsDir, listDownloads } from './download-state';
export type { DownloadEvent } from './events';
export { parseEvent } from './events';
export type { DownloadProgress } from './progress';
export type { RemoteFile } from './remote-file';
export { resolveRemoteFile } from './remote-file';
