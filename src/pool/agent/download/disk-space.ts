import { rm, statfs as fsStatfs } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { diskFilledUp, insufficientDisk, isDiskFullCode } from '../../../shared/disk-space';
import { RbeesError } from '../../../shared/errors';

export { formatBytes } from '../../../shared/disk-space';

/** The part of `fs.statfs` we use; injectable so a test can pretend the disk is full. */
export type StatfsFn = (
  path: string,
) => Promise<{ bavail: number | bigint; bsize: number | bigint }>;

/** Throws INSUFFICIENT_DISK, with both numbers, unless `dir`'s filesystem has `needed` bytes free. */
export async function ensureDiskSpace(
  dir: string,
  needed: number,
  fileName: string,
  statfs: StatfsFn = fsStatfs,
): Promise<void> {
  const s = await statfs(dir);
  // Blocks available to unprivileged users (bavail, not bfree): what we can actually write.
  const free = Number(s.bavail) * Number(s.bsize);
  if (free >= needed) return;
  throw insufficientDisk({ dir, file: fileName, needed, free });
}

/** INSUFFICIENT_DISK when `err` is a full disk's (ENOSPC, EDQUOT) while writing `path`. */
export function diskErrorOf(err: unknown, path: string): RbeesError | undefined {
  if (!isDiskFullCode((err as NodeJS.ErrnoException | undefined)?.code)) return undefined;
  const cause = err instanceof Error ? err.message : String(err);
  return diskFilledUp({
    dir: dirname(path),
    file: basename(path).replace(/\.partial$/, ''),
    cause,
  });
}

/**
 * Runs `write` (which writes `files[0]`); when the disk fills up meanwhile, removes `files` and
 * throws INSUFFICIENT_DISK, whether the write saw ENOSPC itself or already said so.
 */
export async function removedWhenDiskFull<T>(
  files: readonly [string, ...string[]],
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (err) {
    const full =
      err instanceof RbeesError
        ? err.code === 'INSUFFICIENT_DISK'
          ? err
          : undefined
        : diskErrorOf(err, files[0]);
    if (!full) throw err;
    for (const file of files) await rm(file, { force: true });
    throw full;
  }
}
