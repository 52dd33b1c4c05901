import { RbeesError } from './errors';

/**
 * The two ways a model's bytes meet a full disk, worded once for every writer (downloads on a
 * host, uploads through the daemon): not enough space before a byte is written (with both
 * numbers), and a disk that filled up while writing (ENOSPC). Both say what to do.
 */
const FIX = 'Free some space or point the models folder elsewhere.';

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

export interface DiskShortage {
  dir: string;
  file: string;
  needed: number;
  free: number;
  /** Named first in the message when the disk is on another computer than the reader's. */
  host?: string;
}

/** INSUFFICIENT_DISK before anything is written: `needed` bytes, `free` free. */
export function insufficientDisk(s: DiskShortage): RbeesError {
  return new RbeesError(
    'INSUFFICIENT_DISK',
    `${s.host ? `${s.host}: ` : ''}Not enough disk space in ${s.dir} for ${s.file}: it needs ` +
      `${formatBytes(s.needed)} more, ${formatBytes(s.free)} is free. ${FIX}`,
    {
      ...(s.host ? { host: s.host } : {}),
      dir: s.dir,
      file: s.file,
      needed_bytes: s.needed,
      free_bytes: s.free,
    },
  );
}

export interface DiskFull {
  dir: string;
  file: string;
  /** What the system said, e.g. `ENOSPC: no space left on device, write`. */
  cause: string;
  host?: string;
}

/** INSUFFICIENT_DISK for a disk that filled up mid-write; the caller has removed the partial. */
export function diskFilledUp(s: DiskFull): RbeesError {
  return new RbeesError(
    'INSUFFICIENT_DISK',
    `${s.host ? `${s.host}: ` : ''}The disk holding ${s.dir} filled up while writing ${s.file} ` +
      `(${s.cause}); the partial file was removed. ${FIX}`,
    { ...(s.host ? { host: s.host } : {}), dir: s.dir, file: s.file, cause: s.cause },
  );
}

/** True for the errno codes of a full disk or an exhausted quota. */
export function isDiskFullCode(code: unknown): boolean {
  return code === 'ENOSPC' || code === 'EDQUOT';
}
