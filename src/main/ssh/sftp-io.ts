import { createReadStream } from 'node:fs';
import type { SFTPWrapper } from 'ssh2';
import { RbeesError } from '../../shared/errors';
import type { SshSession } from './session';
import { shellQuote } from './shell-quote';

/** The I/O pieces of uploadFile: progress metering, sources, guarded SFTP calls, remote hashing. */

const PROGRESS_MS = 100;

export interface UploadProgress {
  /** Bytes on the host so far, including a resumed prefix. */
  bytes: number;
  total: number;
  /** Over this attempt only (a resumed prefix does not count). */
  bytes_per_sec: number;
}

export type Meter = ReturnType<typeof meter>;

/** Progress events at most every 100 ms, and a last one when the file is in place. */
export function meter(start: number, total: number, onProgress?: (p: UploadProgress) => void) {
  const t0 = performance.now();
  let last = t0;
  let bytes = start;
  const emit = (now: number): void => {
    last = now;
    const rate = now > t0 ? Math.round(((bytes - start) * 1000) / (now - t0)) : 0;
    try {
      onProgress?.({ bytes, total, bytes_per_sec: rate });
    } catch {
      // A failing progress listener must not fail the upload.
    }
  };
  return {
    add(n: number): void {
      bytes += n;
      const now = performance.now();
      if (now - last >= PROGRESS_MS) emit(now);
    },
    finish(): void {
      emit(performance.now());
    },
  };
}

export function readLocal(path: string, start: number, end: number): AsyncIterable<Uint8Array> {
  if (end <= start) return (async function* () {})();
  return createReadStream(path, { start, end: end - 1, highWaterMark: 1024 * 1024 });
}

/** Ends the iteration on abort even while the source is waiting (a stalled HTTP body). */
export async function* abortable(
  source: AsyncIterable<Uint8Array>,
  signal: AbortSignal | undefined,
  cancelled: () => RbeesError,
): AsyncIterable<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(cancelled());
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    for (;;) {
      if (signal?.aborted) throw cancelled();
      const next = await Promise.race([it.next(), aborted]);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    void Promise.resolve(it.return?.()).catch(() => undefined);
  }
}

export type SftpCall = ReturnType<typeof guard>;

/** posix-rename@openssh.com replaces the target atomically; plain SFTP rename refuses to. */
export async function replace(sftp: SFTPWrapper, sftpCall: SftpCall, from: string, to: string) {
  const posix = await sftpCall((cb) => sftp.ext_openssh_rename(from, to, cb)).then(
    () => true,
    // ssh2 throws "Server does not support this extended request" without sending anything.
    (err: Error) => (/not support/i.test(err.message) ? false : Promise.reject(err)),
  );
  if (posix) return;
  await sftpCall((cb) => sftp.unlink(to, cb)).catch(() => undefined);
  await sftpCall((cb) => sftp.rename(from, to, cb));
}

/**
 * Like `call`, but fails at once when the channel has ended: ssh2 fails the requests in flight
 * when the connection drops, yet a request sent afterwards would wait forever.
 */
export function guard(sftp: SFTPWrapper) {
  let gone: Error | null = null;
  const waiting = new Set<(err: Error) => void>();
  const onGone = (): void => {
    gone ??= new Error('the SFTP channel closed');
    for (const reject of waiting) reject(gone);
    waiting.clear();
  };
  sftp.once('end', onGone).once('close', onGone);
  return <T = void>(fn: (cb: (err: Error | null | undefined, value: T) => void) => void) =>
    new Promise<T>((resolve, reject) => {
      if (gone) return reject(gone);
      waiting.add(reject);
      fn((err, value) => {
        waiting.delete(reject);
        if (err) reject(err);
        else resolve(value);
      });
    });
}

export async function remoteSha256(
  session: SshSession,
  path: string,
  signal?: AbortSignal,
): Promise<string | null> {
  const q = shellQuote(path);
  // OpenSSL uses the CPU's SHA instructions: ~8x faster than coreutils' sha256sum here.
  const out = await run(
    session,
    `{ openssl dgst -sha256 -r ${q} || sha256sum -- ${q} || shasum -a 256 -- ${q}; } 2>/dev/null`,
    signal,
  );
  return /^[0-9a-f]{64}/.exec(out)?.[0] ?? null;
}

export async function run(
  session: SshSession,
  command: string,
  signal?: AbortSignal,
): Promise<string> {
  const proc = session.exec(command, signal ? { signal } : {});
  const lines: string[] = [];
  for await (const { line } of proc.lines) lines.push(line);
  const { code } = await proc.exit;
  if (code !== 0) {
    throw new RbeesError(
      'INTERNAL',
      `${session.host.name}: \`${command}\` failed: ${lines.join(' ')}`,
    );
  }
  return lines.join('\n');
}

export function call<T = void>(
  fn: (cb: (err: Error | null | undefined, value: T) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) =>
    fn((err, value) => (err ? reject(err) : resolve(value))),
  );
}
