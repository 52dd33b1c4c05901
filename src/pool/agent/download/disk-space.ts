import { statfs as fsStatfs } from 'node:fs/promises';
import { RbeesError } from '../../../shared/errors';

/** The part of `fs.statfs` we use; injectable so a test can pretend the disk is full. */
export type StatfsFn = (
  path: string,
) => Promise<{ bavail: number | bigint; bsize: number | bigint }>;

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

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
  throw new RbeesError(
    'INSUFFICIENT_DISK',
    `Not enough disk space in ${dir} for ${fileName}: it needs ${formatBytes(needed)} more, ` +
      `${formatBytes(free)} is free. Free some space or point the models folder elsewhere.`,
    { dir, file: fileName, needed_bytes: needed, free_bytes: free },
  );
}
