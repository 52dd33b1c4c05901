import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { killAndWait, killTree, run } from './proc';

/** Where one sshd instance lives and how it is reached. */
export interface SshdSpec {
  dir: string;
  /** Run inside this network namespace (root only). */
  netns?: string;
  address: string;
  port: number;
  user: string;
  home: string;
  authorizedKeys: string;
}

/** A running sshd: `hostKey` is its public key line (`type base64`). */
export interface RunningSshd {
  pid: number;
  hostKey: string;
  stop(): Promise<void>;
}

/** Generates an ed25519 key pair without passphrase; returns the public key line. */
export async function generateKey(path: string, comment: string): Promise<string> {
  await rm(path, { force: true });
  await rm(`${path}.pub`, { force: true });
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
  return (await readFile(`${path}.pub`, 'utf8')).trim();
}

function config(spec: SshdSpec, hostKeyPath: string): string {
  return [
    `ListenAddress ${spec.address}`,
    `Port ${spec.port}`,
    `HostKey ${hostKeyPath}`,
    `PidFile ${join(spec.dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${spec.authorizedKeys}`,
    `AllowUsers ${spec.user}`,
    // Keys live under /tmp, which StrictModes refuses; PAM is not set up for the test user.
    'UsePAM no',
    'StrictModes no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'Subsystem sftp internal-sftp',
    // The default of 10 caps parallel channels on one connection.
    'MaxSessions 64',
    'MaxStartups 64',
    'LogLevel ERROR',
    'UseDNS no',
    'PrintMotd no',
    'AllowTcpForwarding yes',
    // sshd's default PATH lacks per-host dirs; SetEnv wins over it (checked by the fixture test).
    `SetEnv PATH=${spec.home}/bin:/usr/local/bin:/usr/bin:/bin HOME=${spec.home}`,
    '',
  ].join('\n');
}

function canConnect(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: address, port });
    sock.setTimeout(500);
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
    sock.once('timeout', () => {
      sock.destroy();
      resolve(false);
    });
  });
}

/** Starts sshd in the foreground (`-D -e`) and returns once its port accepts connections. */
export async function startSshd(spec: SshdSpec, hostKeyPath: string): Promise<RunningSshd> {
  const configPath = join(spec.dir, 'sshd_config');
  await writeFile(configPath, config(spec, hostKeyPath));
  // sshd refuses to start as root without its privilege separation directory.
  if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const sshd = ['/usr/sbin/sshd', '-D', '-e', '-f', configPath];
  // `ip netns exec` execs sshd after joining the namespace: the child's PID is sshd's.
  const argv = spec.netns ? ['ip', 'netns', 'exec', spec.netns, ...sshd] : sshd;
  const child: ChildProcess = spawn(argv[0] ?? 'sshd', argv.slice(1), {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`sshd did not start: ${stderr}`);

  const stop = async (): Promise<void> => {
    if (!done) {
      await killTree(pid);
      await exited; // Reaped: no zombie of ours left behind.
    }
    if (spec.netns) {
      // Anything else still inside the namespace (none expected) would keep it alive.
      const pids = await run('ip', ['netns', 'pids', spec.netns]);
      await killAndWait(pids.split(/\s+/).filter(Boolean).map(Number));
    }
  };

  const deadline = Date.now() + 10_000;
  while (!(await canConnect(spec.address, spec.port))) {
    if (done || Date.now() > deadline) {
      await stop();
      throw new Error(`sshd on ${spec.address}:${spec.port} did not start: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const hostKey = (await readFile(`${hostKeyPath}.pub`, 'utf8')).trim().split(' ').slice(0, 2);
  return { pid, hostKey: hostKey.join(' '), stop };
}
