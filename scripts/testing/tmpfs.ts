/**
 * A small, real filesystem that fills up: a tmpfs mounted (as root) over a directory, so a test
 * can make a write hit ENOSPC for real. Each mount is named (`rbees-test-diskfull`) and must be
 * unmounted even when the test fails.
 *
 * A test host's sshd runs under `ip netns exec`, which gives it a copy of this machine's mount
 * namespace (/ is private here, so nothing mounted later propagates): its mount goes into that
 * namespace (nsenter), and its files are seen through /proc/<sshd pid>/root. When the host stops,
 * the namespace and the mount go with it.
 */
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './test-hosts/proc';

export const TMPFS_NAME = 'rbees-test-diskfull';

export interface SmallDisk {
  dir: string;
  /** `dir` as this process reaches it (through the namespace's root for a test host). */
  seen: string;
  /** Writes a file that takes every byte left, so the next write anywhere on it fails. */
  fill(): Promise<string>;
  unmount(): Promise<void>;
}

/**
 * Mounts a `bytes`-sized tmpfs on `dir` (which must exist), owned by `owner` ("user:group"), in
 * the mount namespace of `nsPid` (a test host's sshdPid) or, without it, this process's own.
 */
export async function mountSmallDisk(
  dir: string,
  bytes: number,
  owner: string,
  nsPid?: number,
): Promise<SmallDisk> {
  if (process.getuid?.() !== 0) throw new Error('mounting a tmpfs needs root (CI runs as root)');
  const [user, group] = owner.split(':');
  const uid = (await run('id', ['-u', user ?? ''])).trim();
  const gid = (await run('id', ['-g', group || user || ''])).trim();
  const inNs = (argv: string[]): [string, string[]] =>
    nsPid === undefined
      ? [argv[0] ?? '', argv.slice(1)]
      : ['nsenter', ['-t', String(nsPid), '-m', '--', ...argv]];
  const options = `size=${bytes},mode=0755,uid=${uid},gid=${gid}`;
  await run(...inNs(['mount', '-t', 'tmpfs', '-o', options, TMPFS_NAME, dir]));
  let mounted = true;
  const seen = nsPid === undefined ? dir : join(`/proc/${nsPid}/root`, dir);
  return {
    dir,
    seen,
    async fill() {
      const path = join(seen, 'filler.bin');
      const fh = await open(path, 'w');
      const block = Buffer.alloc(64 * 1024);
      try {
        for (;;) await fh.write(block);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        await fh.close();
      }
      return path;
    },
    async unmount() {
      if (!mounted) return;
      mounted = false;
      await rm(join(seen, 'filler.bin'), { force: true }).catch(() => undefined);
      // A process still holding a file there (a failing test's upload) must not keep it: lazy.
      // A host already stopped took its namespace, and the mount, with it.
      await run(...inNs(['umount', dir]))
        .catch(() => run(...inNs(['umount', '-l', dir])))
        .catch((err: unknown) => {
          if (nsPid === undefined) throw err;
        });
    },
  };
}
