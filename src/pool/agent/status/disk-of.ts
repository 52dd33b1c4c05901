import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { HostStatus } from '../../../shared/pool-status';

/**
 * Free space on the disk that holds (or will hold) `path`: the nearest existing parent's. Free is
 * what an unprivileged user may write (bavail), as ensureDiskSpace counts it.
 */
export async function diskOf(path: string): Promise<HostStatus['disk']> {
  for (let dir = path; ; dir = dirname(dir)) {
    try {
      const fs = await statfs(dir);
      return { path, total_bytes: fs.blocks * fs.bsize, free_bytes: fs.bavail * fs.bsize };
    } catch {
      if (dirname(dir) === dir) return null;
    }
  }
}
