/**
 * The model downloader. Why the transfer is hand-written rather than node-llama-cpp's
 * `createModelDownloader` or the `ipull` engine under it (checked in ipull 3.9.5 and
 * node-llama-cpp 3.21.1, paths under node_modules/ipull/dist/download/download-engine/):
 * - HF_TOKEN would leave its origin. ipull keeps the URL a probe was redirected to (the signed
 *   CDN URL) as the part's download URL (engine/base-download-engine.js:98-99,
 *   streams/…/download-engine-fetch-stream-fetch.js:76) and sends its `headers`, the token
 *   among them, with every range request to that URL (…-fetch.js:16-27, via
 *   download-file/download-engine-file.js:149). rbees sends it only to HF_ENDPOINT's origin
 *   (hf-http.ts), as the official clients do. Seen here: behind a 302 to a second loopback
 *   origin, ipull's probe arrived there without the token and each range request with it.
 * - Resume is not rbees' kind: progress is JSON appended after the file's end in `<file>.ipull`
 *   (streams/…/download-engine-write-stream-nodejs.js:71-99, engine/download-engine-nodejs.js:11),
 *   counted in whole 5 MiB chunks (download-engine-file.js:8), and nothing in the engine sends
 *   If-Range or looks at an ETag: a file changed upstream resumes into mixed bytes. rbees keeps
 *   `<file>.partial` plus a sidecar with the ETag, resumes to the byte, and restarts on a change.
 * - No sha256: ipull writes parallel chunks out of order (…-write-stream-nodejs.js:104-107),
 *   so the LFS check would need a second full read of a multi-GB file; FileSink hashes in order
 *   as it writes. Its "skip existing" trusts a file of the right size (download-engine-nodejs.js:
 *   112-121), and it renames the finished file without an fsync (:45-49); `install` below does both.
 * - No AbortSignal (close()/pause(), download-engine-file.js:218-250); node-llama-cpp's wrapper
 *   defaults to deleting the temp file on cancel (createModelDownloader.js:154), where rbees keeps
 *   the partial for the next run. The disk-space check, detach/attach and the progress lines would
 *   sit on top either way.
 * A switch would take a custom fetch stream (hfRequest: pinned token, If-Range) and write stream
 * (`.partial`, inline hash, one stream in order) through ipull's internal
 * `_createFromOptionsWithCustomFetch`, leaving it only the chunk bookkeeping: not worth a
 * dependency on internals. What stays is measured against curl in `npm run bench`.
 */
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RbeesError } from '../../../shared/errors';
import type { ModelRef } from '../../../shared/model-ref';
import { formatModelRef, parseModelRef } from '../../../shared/model-ref';
import type { StatfsFn } from './disk-space';
import { diskErrorOf, ensureDiskSpace, removedWhenDiskFull } from './disk-space';
import { FileSink } from './file-sink';
import { hfAuth, type HfAuth } from './hf-http';
import type { PartialSidecar } from './partial-file';
import {
  acquireLock,
  hashPrefix,
  partialPaths,
  usablePartialBytes,
  writeSidecar,
} from './partial-file';
import type { DownloadProgress } from './progress';
import { ProgressMeter } from './progress';
import type { RemoteFile } from './remote-file';
import { resolveRemoteFile } from './remote-file';
import type { TransferContext } from './transfer';
import { transferOnce } from './transfer';

export interface DownloadOptions {
  /** Where models live; the file lands here as `<file>` only once complete and verified. */
  modelsDir: string;
  /** The Hub's base URL (default: $HF_ENDPOINT, else https://huggingface.co). */
  endpoint?: string;
  /** Sent as `Authorization: Bearer` to the endpoint only (default: $HF_TOKEN). */
  token?: string | undefined;
  /** Aborting leaves the partial file for a later call to resume. */
  signal?: AbortSignal;
  /** At most every 100 ms, plus a final event. */
  onProgress?: (p: DownloadProgress) => void;
  /** Called once the file is known, before any transfer. */
  onResolved?: (remote: RemoteFile, resumeFrom: number) => void;
  statfs?: StatfsFn;
  /** Retries of a dropped connection or a 5xx (default 5), with backoff from `retryDelayMs`. */
  retries?: number;
  retryDelayMs?: number;
}

export interface DownloadResult {
  ref: string;
  path: string;
  file: string;
  size: number;
  /** Computed over the bytes on disk; equal to the LFS oid when the repo has one. */
  sha256: string;
  /** Bytes kept from an earlier partial (0 for a fresh download). */
  resumed_from: number;
}

// A server that keeps answering in a way that voids the partial is broken, not unlucky.
const MAX_RESTARTS = 3;

/** Downloads one model file from Hugging Face: resumable, verified, installed atomically. */
export async function downloadModel(
  refInput: string | ModelRef,
  options: DownloadOptions,
): Promise<DownloadResult> {
  const ref = typeof refInput === 'string' ? parseModelRef(refInput) : refInput;
  const endpoint = options.endpoint ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co';
  const auth = hfAuth(endpoint, options.token ?? process.env.HF_TOKEN);
  const { modelsDir, signal } = options;
  const remote = await resolveRemoteFile(ref, endpoint, auth, signal).catch((err: unknown) => {
    if (err instanceof RbeesError) throw err;
    if (signal?.aborted) throw new RbeesError('CANCELLED', 'Download cancelled.');
    const why = err instanceof Error ? err.message : String(err);
    throw new RbeesError('DOWNLOAD_FAILED', `Could not reach ${endpoint} (HF_ENDPOINT): ${why}.`, {
      endpoint,
    });
  });
  await mkdir(modelsDir, { recursive: true });
  const paths = partialPaths(modelsDir, remote.fileName);
  const refText = formatModelRef(ref);

  const release = await acquireLock(paths.lock, remote.fileName);
  try {
    const installed = await alreadyInstalled(paths.final, remote);
    if (installed) {
      options.onResolved?.(remote, remote.size);
      new ProgressMeter(remote.size, remote.size, options.onProgress).finish(remote.size);
      return {
        ref: refText,
        path: paths.final,
        file: remote.fileName,
        size: remote.size,
        sha256: installed,
        resumed_from: remote.size,
      };
    }
    const { have, sidecar: old } = await usablePartialBytes(paths, remote);
    await ensureDiskSpace(modelsDir, remote.size - have, remote.fileName, options.statfs);
    options.onResolved?.(remote, have);
    const job: Job = { remote, have, old, refText, paths, auth, options };
    // A full disk ends it with nothing left behind: a partial there would only hold the space.
    return await removedWhenDiskFull([paths.partial, paths.sidecar], () => transferAndInstall(job));
  } finally {
    await release();
  }
}

interface Job {
  remote: RemoteFile;
  /** Bytes of a usable partial. */
  have: number;
  old: PartialSidecar | undefined;
  refText: string;
  paths: ReturnType<typeof partialPaths>;
  auth: HfAuth | undefined;
  options: DownloadOptions;
}

async function transferAndInstall(job: Job): Promise<DownloadResult> {
  const { remote, have, old, refText, paths, auth, options } = job;
  const sidecar: PartialSidecar = {
    url: remote.url,
    size: remote.size,
    sha256: remote.sha256 ?? null,
    etag: old?.etag ?? null,
    ref: refText,
  };
  await writeSidecar(paths.sidecar, sidecar);

  const fh = await open(paths.partial, have > 0 ? 'r+' : 'w+');
  try {
    const sink = new FileSink(fh, paths.partial, have, await hashPrefix(paths.partial, have));
    const meter = new ProgressMeter(remote.size, have, options.onProgress);
    meter.update(have);
    const ctx: TransferContext = {
      remote,
      auth,
      signal: options.signal,
      sink,
      meter,
      etag: sidecar.etag,
      onEtag: async (etag) => {
        ctx.etag = sidecar.etag = etag;
        // Not a network hiccup to retry: the disk is as full on the next attempt.
        await writeSidecar(paths.sidecar, sidecar).catch((err: unknown) => {
          throw diskErrorOf(err, paths.partial) ?? err;
        });
      },
    };
    await transferWithRetries(ctx, options);
    const sha256 = sink.digest();
    await verify(remote, sink.bytes, sha256, paths);
    await install(fh, paths);
    meter.finish(remote.size);
    return {
      ref: refText,
      path: paths.final,
      file: remote.fileName,
      size: remote.size,
      sha256,
      resumed_from: have,
    };
  } finally {
    await fh.close().catch(() => undefined);
  }
}

async function transferWithRetries(ctx: TransferContext, options: DownloadOptions): Promise<void> {
  const retries = options.retries ?? 5;
  const baseDelay = options.retryDelayMs ?? 500;
  let failures = 0;
  let restarts = 0;
  for (;;) {
    try {
      if (ctx.sink.bytes === ctx.remote.size) return; // a complete partial from an earlier run
      const outcome = await transferOnce(ctx);
      if (outcome === 'complete') return;
      if (++restarts > MAX_RESTARTS) {
        throw new RbeesError(
          'DOWNLOAD_FAILED',
          `${ctx.remote.url}: the server keeps rejecting resumed requests.`,
        );
      }
      await ctx.sink.reset();
      ctx.etag = null;
    } catch (err) {
      // Every byte that arrived is written before deciding: the next attempt resumes after it.
      await ctx.sink.flush();
      if (options.signal?.aborted) {
        throw new RbeesError(
          'CANCELLED',
          `Download of ${ctx.remote.fileName} cancelled at ${ctx.sink.bytes} of ${ctx.remote.size} bytes; run it again to resume.`,
          { bytes: ctx.sink.bytes, total: ctx.remote.size },
        );
      }
      if (err instanceof RbeesError) throw err;
      if (++failures > retries) {
        const why = err instanceof Error ? err.message : String(err);
        throw new RbeesError(
          'DOWNLOAD_FAILED',
          `${why} Gave up after ${retries} retries; run it again to resume.`,
          { bytes: ctx.sink.bytes, total: ctx.remote.size },
        );
      }
      // Exponential backoff, capped: a flaky link gets time, a dead one fails in under a minute.
      await sleep(Math.min(baseDelay * 2 ** (failures - 1), 10_000), undefined, {
        signal: options.signal,
      }).catch(() => undefined);
    }
  }
}

async function verify(
  remote: RemoteFile,
  bytes: number,
  sha256: string,
  paths: ReturnType<typeof partialPaths>,
): Promise<void> {
  const sizeOk = bytes === remote.size;
  if (sizeOk && (remote.sha256 === undefined || remote.sha256 === sha256)) return;
  // Nothing of a bad download is kept: resuming from corrupt bytes would fail the same way.
  await rm(paths.partial, { force: true });
  await rm(paths.sidecar, { force: true });
  throw new RbeesError(
    'CHECKSUM_MISMATCH',
    `${remote.repo}@${remote.revision}/${remote.path}: the downloaded file ` +
      (sizeOk
        ? `has sha256 ${sha256}, the repo says ${remote.sha256}`
        : `has ${bytes} bytes, the repo says ${remote.size}`) +
      '. Nothing was installed; run the download again.',
    {
      expected_sha256: remote.sha256,
      actual_sha256: sha256,
      expected_size: remote.size,
      actual_size: bytes,
    },
  );
}

/** fsync, then rename: the model appears whole or not at all, even across a power cut. */
async function install(fh: FileHandle, paths: ReturnType<typeof partialPaths>): Promise<void> {
  await fh.sync();
  await rename(paths.partial, paths.final);
  await rm(paths.sidecar, { force: true });
  const dir = await open(dirname(paths.final), 'r');
  // The rename itself is durable only once the directory is synced.
  await dir.sync().catch(() => undefined);
  await dir.close();
}

/** The sha256 of an installed file that already matches the remote one, else undefined. */
async function alreadyInstalled(path: string, remote: RemoteFile): Promise<string | undefined> {
  const size = await stat(path).then(
    (s) => s.size,
    () => -1,
  );
  if (size !== remote.size) return undefined;
  const sha256 = (await hashPrefix(path, size)).digest('hex');
  return remote.sha256 === undefined || sha256 === remote.sha256 ? sha256 : undefined;
}
