import { existsSync } from 'node:fs';
import { chown, mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { run } from './proc';

/** The account pool hosts log in as. */
export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  /** Its login shell: sshd runs every exec'd command through it. */
  shell: string;
}

/**
 * The login shells a test host can have. sshd hands every command to the user's login shell, so
 * each needs its own user: `rbeestest` (sh, the default), `rbeestest-fish`, `rbeestest-zsh`, ….
 */
export const LOGIN_SHELLS = {
  sh: '/bin/sh',
  bash: '/bin/bash',
  zsh: '/usr/bin/zsh',
  fish: '/usr/bin/fish',
} as const;

export type LoginShell = keyof typeof LOGIN_SHELLS;

/**
 * Fixed, non-root test users, created once and kept: as root, sshd refuses `signal` requests and
 * root's shell start-up is slow (environment.md), so tests must not log in as root. `-p '*'`
 * and not a locked `!` account, which sshd refuses with `UsePAM no`.
 */
export const TEST_USER = 'rbeestest';

export function testUserName(shell: LoginShell): string {
  return shell === 'sh' ? TEST_USER : `${TEST_USER}-${shell}`;
}

async function lookup(name: string): Promise<TestUser | null> {
  try {
    const line = (await run('getent', ['passwd', name])).trim();
    const [, , uid, gid, , , shell] = line.split(':');
    return { name, uid: Number(uid), gid: Number(gid), shell: shell ?? '' };
  } catch {
    return null;
  }
}

/**
 * As root: the test user for `shell` (created idempotently, its login shell set). Otherwise: the
 * current user, who can only have the login shell they have.
 */
export async function ensureTestUser(shell: LoginShell = 'sh'): Promise<TestUser> {
  const me = userInfo();
  const path = LOGIN_SHELLS[shell];
  if (me.uid !== 0) {
    if (shell !== 'sh') {
      throw new Error(
        `a test host with login shell ${shell} needs its own user, which needs root; ` +
          'run the tests as root (CI does)',
      );
    }
    return { name: me.username, uid: me.uid, gid: me.gid, shell: me.shell ?? '' };
  }
  if (!existsSync(path)) {
    throw new Error(`no ${path} for a test host's login shell: apt-get install -y ${shell}`);
  }
  const name = testUserName(shell);
  const home = `/home/${name}`;
  // Two test files may start hosts at once: a failed useradd is fine if the user now exists.
  for (let attempt = 0; ; attempt++) {
    const existing = await lookup(name);
    if (existing) {
      if (existing.shell !== path) {
        await run('usermod', ['-s', path, name]);
        existing.shell = path;
      }
      // sshd chdirs to the passwd home and prints an error on every exec's stderr without it.
      await mkdir(home, { recursive: true });
      await chown(home, existing.uid, existing.gid);
      return existing;
    }
    try {
      await run('useradd', ['-M', '-d', home, '-s', path, '-p', '*', name]);
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
    }
  }
}
