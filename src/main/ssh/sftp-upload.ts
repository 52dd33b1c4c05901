import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { SFTPWrapper } from 'ssh2';
import { RbeesError } from '../../shared/errors';
import type { SshSession } from './session';
import { quoteDir } from './shell-quote';
import {
  abortable,
  call,
  guard,
  meter,
  readLocal,
  remoteSha256,
  replace,
  run,
  type Meter,
  type UploadProgress,
} from './sftp-io';

/** A local file (resumable), or a stream of known size, e.g. an HTTP request body (not resumable). */
export type UploadSource =
  | { localPath: string; source?: undefined }
  | { source: AsyncIterable<Uint8Array>; size: number; localPath?: undefined };

export type UploadRequest = UploadSource & {
  /** Absolute, or relative to the login directory (`~/models` and `models` are the same). */
  remoteDir: string;
  remoteName: string;
  /** Lowercase hex; a mismatch fails the upload with CHECKSUM_MISMATCH and leaves nothing. */
  expectedSha256?: string;
  /** Aborting leaves `<name>.partial` for a later resume (local files only). */
  signal?: AbortSignal;
  /** At most every 100 ms, and once more when all bytes are on the host. */
  onProgress?: (progress: UploadProgress) => void;
  /**
   * SFTP writes in flight, and bytes per write. Defaults 16 x 255 KiB (OpenSSH's largest write,
   * which ssh2 learns from limits@openssh.com): ~15-30 % faster end to end than fastPut's
   * 64 x 32 KiB here; one write at a time is about half speed (`npm run bench -- sftp` measures).
   */
  concurrency?: number;
  chunkSize?: number;
};

export interface UploadResult {
  remotePath: string;
  sha256: string;
  size: number;
  /** Bytes already on the host from an earlier, interrupted upload. */
  resumedFrom: number;
}

/**
 * Uploads over the session's one connection (an SFTP channel beside the execs). The bytes go to
 * `<name>.partial`, are hashed ON the host (openssl / sha256sum) and compared with the hash
 * computed while sending, then renamed: a half-written or corrupt file never has the final name.
 */
export async function uploadFile(session: SshSession, req: UploadRequest): Promise<UploadResult> {
  const host = session.host.name;
  if (!req.remoteName || /[/\0]/.test(req.remoteName) || /^\.\.?$/.test(req.remoteName)) {
    throw new RbeesError('BAD_REQUEST', `${host}: invalid remote file name "${req.remoteName}"`);
  }
  const signal = req.signal;
  const cancelled = (): RbeesError =>
    new RbeesError('CANCELLED', `${host}: the upload of ${req.remoteName} was cancelled`);
  if (signal?.aborted) throw cancelled();
  const total =
    req.localPath === undefined
      ? req.size
      : await stat(req.localPath).then(
          (st) => st.size,
          (e: Error) => {
            throw new RbeesError('BAD_REQUEST', `cannot read ${req.localPath}: ${e.message}`);
          },
        );
  // Resolved by the shell, as execs see paths (`~` is $HOME); SFTP then gets an absolute path.
  const q = quoteDir(req.remoteDir);
  const dir = (await run(session, `mkdir -p -- ${q} && cd -- ${q} && pwd`, signal)).trim();
  const remotePath = `${dir === '/' ? '' : dir}/${req.remoteName}`;
  const partial = `${remotePath}.partial`;
  const failed = (what: string, err: unknown): RbeesError => {
    if (err instanceof RbeesError) return err;
    const cause = err instanceof Error ? err.message : String(err);
    return new RbeesError(
      session.state === 'online' ? 'INTERNAL' : 'SSH_CONNECT_FAILED',
      `${host}: could not ${what} ${partial}: ${cause}`,
      { host, path: partial, cause },
    );
  };

  const client = await session.connection();
  const sftp = await call<SFTPWrapper>((cb) => client.sftp(cb)).catch((e: unknown) => {
    throw failed('open an SFTP channel for', e);
  });
  const sftpCall = guard(sftp);
  try {
    const hash = createHash('sha256');
    let resumedFrom = 0;
    if (req.localPath !== undefined) {
      const existing = await sftpCall<{ size?: number }>((cb) => sftp.stat(partial, cb)).catch(
        () => null,
      );
      const size = existing?.size ?? 0;
      // Only the local file can be re-read to hash the prefix that is already there.
      if (size > 0 && size <= total) {
        for await (const chunk of abortable(readLocal(req.localPath, 0, size), signal, cancelled)) {
          hash.update(chunk);
        }
        resumedFrom = size;
      }
    }
    const handle = await sftpCall<Buffer>((cb) =>
      sftp.open(partial, resumedFrom > 0 ? 'r+' : 'w', cb),
    ).catch((e: unknown) => {
      throw failed('open', e);
    });
    const source =
      req.localPath !== undefined ? readLocal(req.localPath, resumedFrom, total) : req.source;
    const progress = meter(resumedFrom, total, req.onProgress);
    let end: number;
    try {
      end = await send(sftp, handle, abortable(source, signal, cancelled), resumedFrom, total, {
        hash,
        meter: progress,
        concurrency: req.concurrency ?? 16,
        chunkSize: req.chunkSize ?? 255 * 1024,
      });
    } catch (err) {
      await sftpCall((cb) => sftp.close(handle, cb)).catch(() => undefined);
      // A stream cannot be resumed: its partial would only take disk space.
      if (req.source) await sftpCall((cb) => sftp.unlink(partial, cb)).catch(() => undefined);
      throw signal?.aborted ? cancelled() : failed('write', err);
    }
    await sftpCall((cb) => sftp.close(handle, cb)).catch((e: unknown) => {
      throw failed('close', e);
    });
    const sha256 = hash.digest('hex');
    const onHost = end === total ? await remoteSha256(session, partial, signal) : null;
    const expected = req.expectedSha256?.toLowerCase();
    if (onHost !== sha256 || (expected !== undefined && expected !== sha256)) {
      await sftpCall((cb) => sftp.unlink(partial, cb)).catch(() => undefined);
      const what =
        end !== total
          ? `the source gave ${end} bytes, not the ${total} announced`
          : onHost !== sha256
            ? `the file on the host has sha256 ${onHost}, the bytes sent ${sha256}`
            : `its sha256 is ${sha256}, expected ${expected}`;
      throw new RbeesError(
        end !== total ? 'BAD_REQUEST' : 'CHECKSUM_MISMATCH',
        `${host}: upload of ${remotePath} failed: ${what}; nothing was kept`,
        { host, path: remotePath, sent: sha256, on_host: onHost, expected: expected ?? null },
      );
    }
    await replace(sftp, sftpCall, partial, remotePath).catch((e: unknown) => {
      throw failed('rename', e);
    });
    progress.finish();
    return { remotePath, sha256, size: total, resumedFrom };
  } finally {
    sftp.end();
  }
}

/**
 * Keeps up to `concurrency` writes in flight (one at a time is half the speed: each waits a round
 * trip) and pulls from the source only when a slot is free, so a stream is never buffered whole.
 * Returns the offset after the last byte. OpenSSH's sftp-server handles requests in order, so an
 * abort leaves a gap-free prefix once the writes in flight have been answered.
 */
async function send(
  sftp: SFTPWrapper,
  handle: Buffer,
  chunks: AsyncIterable<Uint8Array>,
  start: number,
  total: number,
  {
    hash,
    meter,
    concurrency,
    chunkSize,
  }: { hash: Hash; meter: Meter; concurrency: number; chunkSize: number },
): Promise<number> {
  let offset = start;
  let inFlight = 0;
  const state: { failure: Error | null } = { failure: null };
  let wake: (() => void) | null = null;
  const drain = async (below: number): Promise<void> => {
    while (inFlight > below) await new Promise<void>((resolve) => (wake = resolve));
  };
  try {
    outer: for await (const chunk of chunks) {
      for (let at = 0; at < chunk.length; at += chunkSize) {
        if (state.failure) break outer;
        const len = Math.min(chunkSize, chunk.length - at);
        if (offset + len > total) {
          offset += len; // More than announced: the caller reports the size mismatch.
          break outer;
        }
        const piece = Buffer.from(chunk.buffer, chunk.byteOffset + at, len);
        hash.update(piece);
        // ssh2 copies the bytes into its packet at once: the source may reuse its buffer. It
        // throws at once when the channel is gone.
        sftp.write(handle, piece, 0, len, offset, (err) => {
          inFlight--;
          if (err) state.failure ??= err;
          else meter.add(len);
          const w = wake;
          wake = null;
          w?.();
        });
        inFlight++;
        offset += piece.length;
        await drain(concurrency - 1);
      }
    }
  } finally {
    await drain(0);
  }
  if (state.failure) throw state.failure;
  return offset;
}
