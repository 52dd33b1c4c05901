import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SFTPWrapper } from 'ssh2';
import { SshSession, uploadFile } from '../../src/main/ssh';
import { hostOptions } from '../testing/ssh-session';
import { ensureTestModels } from '../test-models';
import { startTestHosts } from '../testing/test-hosts';
import { median } from './stats';

const run = promisify(execFile);

/**
 * Upload throughput: rbees' uploadFile (hashing, verifying on the host, atomic rename) against
 * `scp` (a new connection each time, no verification) and ssh2's bare fastPut, same file, same
 * host, interleaved rounds.
 */
export async function benchSftp(rounds = 3): Promise<void> {
  const file = (await ensureTestModels()).scriptSlow;
  const size = (await stat(file)).size;
  const hosts = await startTestHosts({ count: 1 });
  const host = hosts.hosts[0];
  if (!host) throw new Error('no test host');
  const tmp = await mkdtemp(join(tmpdir(), 'rbees-bench-sftp-'));
  await chmod(tmp, 0o777); // the host's login user writes here (the test host shares this disk)
  const session = new SshSession(hostOptions(host, tmp));
  try {
    await session.trust(host.hostKeyFingerprint);
    const known = join(tmp, 'openssh_known_hosts');
    await writeFile(known, `${host.address} ${host.hostKey}\n`);
    const timed = async (transfer: () => Promise<unknown>) => {
      const start = performance.now();
      await transfer();
      return size / 1e6 / ((performance.now() - start) / 1000);
    };
    const paths: [string, () => Promise<number>][] = [
      [
        'uploadFile (verified, atomic)',
        () =>
          timed(() =>
            uploadFile(session, { localPath: file, remoteDir: tmp, remoteName: 'u.gguf' }),
          ),
      ],
      ['ssh2 fastPut (no verify)', () => timed(() => fastPut(session, file, join(tmp, 'f.gguf')))],
      [
        'scp (new connection)',
        () =>
          timed(() =>
            run('scp', [
              ...['-q', '-i', host.clientKeyPath, '-P', String(host.port), '-o', 'BatchMode=yes'],
              ...['-o', `UserKnownHostsFile=${known}`, '-o', 'StrictHostKeyChecking=yes'],
              file,
              `${host.user}@${host.address}:${join(tmp, 's.gguf')}`,
            ]),
          ),
      ],
    ];
    const results = paths.map((): number[] => []);
    for (let round = 0; round < rounds; round++) {
      for (const [i, [, transfer]] of paths.entries()) results[i]?.push(await transfer());
    }
    const scp = median(results[2] ?? []);
    console.log(`\nupload ${(size / 1e6).toFixed(0)} MB to a real sshd, median of ${rounds}, MB/s`);
    for (const [i, [label]] of paths.entries()) {
      const rate = median(results[i] ?? []);
      console.log(
        `${label.padEnd(34)}${rate.toFixed(0).padStart(6)}   ratio to scp ${(rate / scp).toFixed(2)}`,
      );
    }
  } finally {
    await session.close();
    await hosts.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

async function fastPut(session: SshSession, local: string, remote: string): Promise<void> {
  const client = await session.connection();
  const sftp = await new Promise<SFTPWrapper>((resolve, reject) =>
    client.sftp((err, wrapper) => (err ? reject(err) : resolve(wrapper))),
  );
  await new Promise<void>((resolve, reject) =>
    sftp.fastPut(local, remote, (err) => (err ? reject(err) : resolve())),
  );
  sftp.end();
}
