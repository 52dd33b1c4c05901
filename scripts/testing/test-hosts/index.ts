import { chmod, copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installFakeNvidiaSmi } from './fake-nvidia-smi';
import type { NvidiaSmiFixture } from './fake-nvidia-smi';
import { createHostLink } from './netns';
import type { HostLink } from './netns';
import { run } from './proc';
import { generateKey, startSshd } from './sshd';
import type { RunningSshd } from './sshd';
import { ensureTestUser } from './user';
import type { LoginShell, TestUser } from './user';

export type { NvidiaSmiFixture } from './fake-nvidia-smi';
export type { LoginShell } from './user';

/** One real OpenSSH pool host. Key fields change after `restart({ newHostKey: true })`. */
export interface TestHost {
  name: string;
  address: string;
  port: number;
  user: string;
  /** The user's login shell, which runs every command sent to the host. */
  shell: LoginShell;
  /** Private key that `user` may log in with (no passphrase). */
  clientKeyPath: string;
  /** The host's public key line, `ssh-ed25519 AAAA…`. */
  hostKey: string;
  /** As `ssh-keygen -lf` prints it: `SHA256:…`. */
  hostKeyFingerprint: string;
  /** The user's home on this host (`$HOME` in its sessions); `bin/` in it is on the PATH. */
  home: string;
  /** The sshd listener's PID (changes on restart). */
  sshdPid: number;
  /** Its network namespace, or null when not root (sshd on 127.0.0.1). */
  netns: string | null;
  /** This machine as the host reaches it: serve something here (an HF stand-in) for the host. */
  gateway: string;
  /** Cuts (false) or restores (true) the host's network link. Root only. */
  setLink(up: boolean): Promise<void>;
  /** Restarts sshd on the same address, optionally with a new host key. */
  restart(options?: { newHostKey?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export interface TestHosts {
  hosts: TestHost[];
  stop(): Promise<void>;
}

export interface TestHostsOptions {
  count?: number;
  /** Installs a fake `nvidia-smi` on the given hosts (by index). */
  fakeNvidiaSmi?: Record<number, NvidiaSmiFixture>;
  /** The login shell of the given hosts (by index; default sh), each with its own user. Root only. */
  shells?: Record<number, LoginShell>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function fingerprintOf(pubPath: string): Promise<string> {
  // Independent of src/main/ssh on purpose: tests compare our fingerprint with OpenSSH's.
  const out = await run('ssh-keygen', ['-lf', pubPath]);
  const fp = out.split(' ')[1];
  if (!fp?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen -lf output: ${out}`);
  return fp;
}

interface HostContext {
  index: number;
  root: string;
  user: TestUser;
  shell: LoginShell;
  clientKeyPath: string;
  fixture: NvidiaSmiFixture | undefined;
}

async function startHost(ctx: HostContext): Promise<TestHost> {
  const dir = join(ctx.root, `h${ctx.index}`);
  const home = join(dir, 'home');
  await mkdir(home, { recursive: true });
  if (ctx.fixture) await installFakeNvidiaSmi(home, ctx.fixture);
  await run('chown', ['-R', `${ctx.user.uid}:${ctx.user.gid}`, home]);
  const authorizedKeys = join(dir, 'authorized_keys');
  await copyFile(`${ctx.clientKeyPath}.pub`, authorizedKeys);
  await chmod(authorizedKeys, 0o644);
  const hostKeyPath = join(dir, 'ssh_host_ed25519_key');

  const asRoot = process.getuid?.() === 0;
  let link: HostLink | null = null;
  let sshd: RunningSshd | null = null;
  const stop = async (): Promise<void> => {
    await sshd?.stop();
    sshd = null;
    await link?.delete();
    link = null;
  };
  try {
    link = asRoot ? await createHostLink(ctx.index) : null;
    const spec = {
      dir,
      address: link?.address ?? '127.0.0.1',
      port: link ? 22 : await freePort(),
      user: ctx.user.name,
      home,
      authorizedKeys,
      ...(link ? { netns: link.netns } : {}),
    };
    await generateKey(hostKeyPath, `rbees-test-host-${ctx.index}`);
    sshd = await startSshd(spec, hostKeyPath);
    const host: TestHost = {
      name: `host-${ctx.index}`,
      address: spec.address,
      port: spec.port,
      user: ctx.user.name,
      shell: ctx.shell,
      clientKeyPath: ctx.clientKeyPath,
      hostKey: sshd.hostKey,
      hostKeyFingerprint: await fingerprintOf(`${hostKeyPath}.pub`),
      home,
      sshdPid: sshd.pid,
      netns: link?.netns ?? null,
      gateway: link?.gateway ?? '127.0.0.1',
      setLink: async (up) => {
        if (!link) {
          throw new Error(
            `${host.name}: cutting the link needs network namespaces, which need root; ` +
              'run the tests as root (CI does)',
          );
        }
        await link.setUp(up);
      },
      restart: async (options) => {
        await sshd?.stop();
        if (options?.newHostKey) await generateKey(hostKeyPath, `rbees-test-host-${ctx.index}`);
        sshd = await startSshd(spec, hostKeyPath);
        host.hostKey = sshd.hostKey;
        host.sshdPid = sshd.pid;
        host.hostKeyFingerprint = await fingerprintOf(`${hostKeyPath}.pub`);
      },
      stop,
    };
    return host;
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/**
 * Starts `count` real OpenSSH hosts. As root each gets its own network namespace (a link that can
 * be cut) and port 22; otherwise sshd listens on 127.0.0.1 ports. `stop()` leaves nothing behind:
 * processes killed and reaped, namespaces and veths deleted, the temp dir removed. The test users
 * (`rbeestest`, and `rbeestest-<shell>` for other login shells) are kept, created idempotently.
 */
export async function startTestHosts(options: TestHostsOptions = {}): Promise<TestHosts> {
  const count = options.count ?? 2;
  const root = await mkdtemp(join(tmpdir(), 'rbees-test-hosts-'));
  // The unprivileged test user must reach its home and authorized_keys below this directory.
  await chmod(root, 0o755);
  const hosts: TestHost[] = [];
  const stopAll = async (): Promise<void> => {
    const results = await Promise.allSettled(hosts.map((h) => h.stop()));
    await rm(root, { recursive: true, force: true });
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  try {
    const shellOf = (index: number): LoginShell => options.shells?.[index] ?? 'sh';
    // One after the other: two useradds at once contend for /etc/passwd's lock.
    const users = new Map<LoginShell, TestUser>();
    for (let index = 0; index < count; index++) {
      const shell = shellOf(index);
      if (!users.has(shell)) users.set(shell, await ensureTestUser(shell));
    }
    const clientKeyPath = join(root, 'client_ed25519');
    await generateKey(clientKeyPath, 'rbees-test-client');
    const started = await Promise.allSettled(
      Array.from({ length: count }, (_, index) =>
        startHost({
          index,
          root,
          user: users.get(shellOf(index)) as TestUser,
          shell: shellOf(index),
          clientKeyPath,
          fixture: options.fakeNvidiaSmi?.[index],
        }),
      ),
    );
    for (const r of started) if (r.status === 'fulfilled') hosts.push(r.value);
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return { hosts, stop: stopAll };
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
}
