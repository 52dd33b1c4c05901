import type { IncomingMessage } from 'node:http';
import { RbeesError } from '../../../shared/errors';
import type { FileSink } from './file-sink';
import { hfRequest, responseError, TransientError, type HfAuth } from './hf-http';
import type { ProgressMeter } from './progress';
import type { RemoteFile } from './remote-file';

export interface TransferContext {
  remote: RemoteFile;
  /** HF_TOKEN pinned to the endpoint's origin. */
  auth: HfAuth | undefined;
  signal: AbortSignal | undefined;
  sink: FileSink;
  meter: ProgressMeter;
  /** The ETag the partial's bytes came with, once known. */
  etag: string | null;
  /** Persists a newly seen ETag (in the sidecar) before any byte under it is written. */
  onEtag: (etag: string) => Promise<void>;
}

/** `complete`: the sink holds the whole file. `restart`: the partial is useless, start at 0. */
export type TransferOutcome = 'complete' | 'restart';

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;

/**
 * One GET of the rest of the file, from `sink.bytes`. A resumed request sends
 * `Range: bytes=<have>-` and `If-Range: <etag>`; anything but a 206 that starts exactly there for
 * a file of the expected size, under the same ETag, means the partial cannot be trusted.
 * A dropped connection throws TransientError, with every byte received already in the sink.
 */
export async function transferOnce(ctx: TransferContext): Promise<TransferOutcome> {
  const { remote, sink, signal } = ctx;
  const from = sink.bytes;
  const headers: Record<string, string> = {};
  if (from > 0) {
    headers.Range = `bytes=${from}-`;
    if (ctx.etag) headers['If-Range'] = ctx.etag;
  }
  const { res } = await hfRequest({ url: remote.url, auth: ctx.auth, headers, signal });
  const subject = `${remote.repo}@${remote.revision}/${remote.path}`;
  const etag = typeof res.headers.etag === 'string' ? res.headers.etag : null;

  if (res.statusCode === 416) {
    res.resume();
    return 'restart';
  }
  if (res.statusCode === 206) {
    const m = CONTENT_RANGE.exec(String(res.headers['content-range'] ?? ''));
    const changed = ctx.etag !== null && etag !== null && etag !== ctx.etag;
    if (!m || Number(m[1]) !== from || m[3] !== String(remote.size) || changed) {
      res.destroy();
      return 'restart';
    }
  } else if (res.statusCode === 200) {
    // The server ignored the range (or If-Range saw a new ETag): this body is the whole file.
    if (from > 0) await sink.reset();
    const length = res.headers['content-length'];
    if (length !== undefined && Number(length) !== remote.size) {
      res.destroy();
      throw new RbeesError(
        'DOWNLOAD_FAILED',
        `${subject}: the server sends ${length} bytes but the repo tree says ${remote.size}; ` +
          'the file may have changed upstream, try again.',
        { expected_size: remote.size, content_length: Number(length) },
      );
    }
  } else {
    throw await responseError(res, subject, ctx.auth);
  }
  if (etag !== null && etag !== ctx.etag) await ctx.onEtag(etag);

  try {
    await pump(res, ctx, subject);
  } catch (err) {
    if (err instanceof RbeesError || signal?.aborted) throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw new TransientError(
      `${subject}: the connection dropped after ${sink.bytes} bytes (${why}).`,
    );
  }
  if (sink.bytes < remote.size) {
    throw new TransientError(
      `${subject}: the server ended the body at ${sink.bytes} of ${remote.size} bytes.`,
    );
  }
  return 'complete';
}

/**
 * Body → sink. 'data' events rather than `for await`: no promise per 64 KiB chunk. Rejects when
 * the body ends early (Node reports a dropped connection as 'error', or a 'close' before the end).
 */
function pump(res: IncomingMessage, ctx: TransferContext, subject: string): Promise<void> {
  const { sink, remote } = ctx;
  return new Promise<void>((resolve, reject) => {
    res.on('data', (chunk: Buffer) => {
      try {
        sink.write(chunk);
        if (sink.bytes > remote.size) {
          throw new RbeesError(
            'DOWNLOAD_FAILED',
            `${subject}: the server sent more than ${remote.size} bytes.`,
          );
        }
        ctx.meter.update(sink.bytes);
      } catch (err) {
        res.destroy();
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    res.once('end', resolve);
    res.once('error', reject);
    res.once('close', () => {
      if (!res.complete) reject(new Error('the connection closed before the end of the body'));
    });
  });
}
