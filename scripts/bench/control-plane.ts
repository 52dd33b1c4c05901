import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { agentAnswer } from '../../src/main/daemon/hosts/agent-calls';
import { remoteAgent } from '../../src/main/daemon/hosts/agent-runner';
import { StatusLineSchema } from '../../src/shared/status-schemas';
import { poolCommand, SshSession } from '../../src/main/ssh';
import { hostOptions } from '../testing/ssh-session';
import { startTestHosts } from '../testing/test-hosts';
import { median, percentile } from './stats';

const run = promisify(execFile);
const AGENT = fileURLToPath(new URL('../../out/main/rbees-pool.js', import.meta.url));

/**
 * Control-plane latency: the same remote command N times over rbees' persistent ssh2 session and
 * through a fresh OpenSSH `ssh` each time, against a real sshd test host. Two commands: `true`
 * (the transport alone) and `rbees-pool status --json` (includes starting Node on the host), plus
 * `status` the way the daemon runs it: `remoteAgent`, answered by the session's long-lived
 * `rbees-pool serve --stdio`.
 */
export async function benchControlPlane(calls = 50): Promise<void> {
  const hosts = await startTestHosts({ count: 1, fakeNvidiaSmi: { 0: 'h200-idle' } });
  const tmp = await mkdtemp(join(tmpdir(), 'rbees-bench-ssh-'));
  const host = hosts.hosts[0];
  if (!host) throw new Error('no test host');
  const session = new SshSession(hostOptions(host, tmp));
  try {
    await chmod(tmp, 0o755);
    // The test host shares this machine's disk: a launcher stands in for an installed agent.
    await writeFile(join(tmp, 'rbees-pool'), `#!/bin/sh\nexec node ${AGENT} "$@"\n`, {
      mode: 0o755,
    });
    const knownHosts = join(tmp, 'openssh_known_hosts');
    await writeFile(knownHosts, `${host.address} ${host.hostKey}\n`);
    await session.trust(host.hostKeyFingerprint);
    const status = poolCommand(tmp, ['status', '--json'], './rbees-pool');
    const viaSession = (command: string) => async () => {
      const proc = session.exec(command);
      for await (const _line of proc.lines);
      const { code } = await proc.exit;
      if (code !== 0) throw new Error(`${command}: exit ${code}`);
    };
    const viaSsh = (command: string) => async () => {
      await run('ssh', [
        ...['-i', host.clientKeyPath, '-p', String(host.port), '-o', 'BatchMode=yes'],
        ...['-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes'],
        `${host.user}@${host.address}`,
        command,
      ]);
    };
    console.log(`\ncontrol plane: ${calls} calls each to a real sshd (network namespace), ms`);
    console.log(
      `${'command'.padEnd(36)}${'path'.padEnd(22)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'ratio'.padStart(8)}`,
    );
    const row = (label: string, path: string, times: number[], ratio: string) =>
      console.log(
        `${label.padEnd(36)}${path.padEnd(22)}${median(times).toFixed(1).padStart(8)}` +
          `${percentile(times, 0.95).toFixed(1).padStart(8)}${ratio.padStart(8)}`,
      );
    let freshStatus: number[] = [];
    for (const [label, command] of [
      ['true', 'true'],
      ['rbees-pool status --json', status],
    ] as const) {
      const persistent = await timeCalls(viaSession(command), calls);
      const fresh = await timeCalls(viaSsh(command), calls);
      row(label, 'fresh ssh per call', fresh, '1.0');
      row(label, 'persistent session', persistent, (median(fresh) / median(persistent)).toFixed(1));
      if (command === status) freshStatus = fresh;
    }
    const runner = remoteAgent(host.name, session, tmp);
    const served = await timeCalls(async () => {
      await agentAnswer(runner, ['status'], StatusLineSchema);
    }, calls);
    row(
      'rbees-pool status (daemon)',
      'persistent agent',
      served,
      (median(freshStatus) / median(served)).toFixed(1),
    );
  } finally {
    await session.close();
    await hosts.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

async function timeCalls(call: () => Promise<void>, count: number): Promise<number[]> {
  await call(); // warm up
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  return times;
}
