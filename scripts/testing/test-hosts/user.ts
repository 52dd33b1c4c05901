import { chown, mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { run } from './proc';

/** The account pool hosts log in as. */
export interface TestUser {
  name: string;
  uid: number;
  gid: number;
}

/**
 * One fixed, non-root test user, created once and kept: as root, sshd refuses `signal` requests
 * and root's shell start-up is slow (environment.md), so tests must not log in as root. `-p '*'`
 * and not a locked `!` account, which sshd refuses with `UsePAM no`.
 */
export const TEST_USER = 'rbeestest';
const TEST_HOME = `/home/${TEST_USER}`;

async function lookup(name: string): Promise<TestUser | null> {
  try {
    const line = (await run('getent', ['passwd', name])).trim();
    const [, , uid, gid] = line.split(':');
    return { name, uid: Number(uid), gid: Number(gid) };
  } catch {
    return null;
  }
}

/** As root: the `rbeestest` user (created idempotently). Otherwise: the current user. */
export async function ensureTestUser(): Promise<TestUser> {
  const me = userInfo();
  if (me.uid !== 0) return { name: me.username, uid: me.uid, gid: me.gid };
  // Two test files may start hosts at once: a failed useradd is fine if the user now exists.
  for (let attempt = 0; ; attempt++) {
    const existing = await lookup(TEST_USER);
    if (existing) {
      // sshd chdirs to the passwd home and prints an error on every exec's stderr without it.
      await mkdir(TEST_HOME, { recursive: true });
      await chown(TEST_HOME, existing.uid, existing.gid);
      return existing;
    }
    try {
      await run('useradd', ['-M', '-d', TEST_HOME, '-s', '/bin/sh', '-p', '*', TEST_USER]);
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
    }
  }
}
