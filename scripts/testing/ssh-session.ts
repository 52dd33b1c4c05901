import { execFile } from 'node:child_process';
import type { TestHost } from './test-hosts';
import type { SshHostOptions } from '../../src/main/ssh/connect';
import type { RemoteProcess } from '../../src/main/ssh/exec';

/** Session options for a test host, with known_hosts files under `dir` (no agent: hermetic). */
export function hostOptions(host: TestHost, dir: string): SshHostOptions {
  return {
    name: host.name,
    hostname: host.address,
    port: host.port,
    user: host.user,
    identityFiles: [host.clientKeyPath],
    agent: false,
    knownHostsFiles: [`${dir}/ssh_known_hosts`],
    rbeesKnownHosts: `${dir}/rbees_known_hosts`,
  };
}

/** Collects a remote command's output and exit. */
export async function collect(
  proc: RemoteProcess,
): Promise<{ out: string[]; err: string[]; code: number | null; signal: string | null }> {
  const out: string[] = [];
  const err: string[] = [];
  for await (const { stream, line } of proc.lines) (stream === 'stdout' ? out : err).push(line);
  const { code, signal } = await proc.exit;
  return { out, err, code, signal };
}

/** This process's established TCP connections to host:port, per `ss`. */
export function socketsTo(address: string, port: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile('ss', ['-Htnp', 'state', 'established'], { encoding: 'utf8' }, (err, stdout) => {
      if (err) return reject(new Error(`ss failed: ${err.message}`));
      const mine = `pid=${process.pid},`;
      resolve(
        stdout.split('\n').filter((l) => l.includes(` ${address}:${port} `) && l.includes(mine)),
      );
    });
  });
}
