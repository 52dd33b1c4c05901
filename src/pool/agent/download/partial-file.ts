import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RbeesError } from '../../../shared/errors';
import { isAlive } from './download-state';
import type { RemoteFile } from './remote-file';

/**
 * `<file>.partial.json`, beside `<file>.partial`: what the partial bytes are a prefix of. A resume
 * is only safe when it is the same file (same resolve URL, size and sha256) and, once known, the
 * server's ETag has not changed.
 */
export interface PartialSidecar {
  url: string;
  size: number;
  sha256: string | null;
  etag: string | null;
  ref: string;
}

export function partialPaths(modelsDir: string, fileName: string) {
  const partial = join(modelsDir, `${fileName}.partial`);
  return {
    final: join(modelsDir, fileName),
    partial,
    sidecar: `${partial}.json`,
    lock: `${partial}.lock`,
  };
}

export async function readSidecar(path: string): Promise<PartialSidecar | undefined> {
  try {
    const v = JSON.parse(await readFile(path, 'utf8')) as Partial<PartialSidecar>;
    if (typeof v.url !== 'string' || typeof v.size !== 'number') return undefined;
    return {
      url: v.url,
      size: v.size,
      sha256: v.sha256 ?? null,
      etag: v.etag ?? null,
      ref: v.ref ?? '',
    };
  } catch {
    return undefined;
  }
}

/** Written to a temp file and renamed, so a crash never leaves a torn sidecar. */
export async function writeSidecar(path: string, sidecar: PartialSidecar): Promise<void> {
  await writeFile(`${path}.tmp`, JSON.stringify(sidecar));
  await rename(`${path}.tmp`, path);
}

/** How many bytes of an existing partial can be kept for this remote file (0: start over). */
export async function usablePartialBytes(
  paths: ReturnType<typeof partialPaths>,
  remote: RemoteFile,
): Promise<{ have: number; sidecar: PartialSidecar | undefined }> {
  const sidecar = await readSidecar(paths.sidecar);
  const size = await stat(paths.partial).then(
    (s) => s.size,
    () => 0,
  );
  const same =
    sidecar !== undefined &&
    sidecar.url === remote.url &&
    sidecar.size === remote.size &&
    sidecar.sha256 === (remote.sha256 ?? null);
  if (!same || size > remote.size) {
    await rm(paths.partial, { force: true });
    return { have: 0, sidecar: undefined };
  }
  return { have: size, sidecar };
}

/** sha256 of the first `length` bytes of a file, streamed: a resumed hash must cover them too. */
export async function hashPrefix(path: string, length: number): Promise<Hash> {
  const hash = createHash('sha256');
  if (length === 0) return hash;
  const stream = createReadStream(path, { start: 0, end: length - 1, highWaterMark: 1 << 20 });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash;
}

/**
 * One writer per partial: two downloads appending to the same file would corrupt it. The lock
 * holds the owner's pid; a lock whose process is gone is stale and taken over.
 */
export async function acquireLock(
  lockPath: string,
  fileName: string,
): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(lockPath, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      return () => rm(lockPath, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(await readFile(lockPath, 'utf8').catch(() => ''));
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new RbeesError(
          'DOWNLOAD_FAILED',
          `${fileName} is already being downloaded by process ${pid}: attach to that download or cancel it first.`,
          { file: fileName, pid },
        );
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new RbeesError('DOWNLOAD_FAILED', `${lockPath}: could not take the download lock.`);
}
