import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NVIDIA_SMI_FIXTURES } from './fake-nvidia-smi';
import { startTestHosts } from './index';
import type { TestHost, TestHosts } from './index';
import { pidsMentioning } from '../cli-process';
import { eventually } from '../eventually';
import { run } from './proc';

/** Runs a command on a host with OpenSSH's own client: the fixture must not depend on ours. */
function ssh(host: TestHost, command: string): Promise<{ code: number; stdout: string }> {
  const args = [
    ...['-i', host.clientKeyPath, '-p', String(host.port), '-o', 'BatchMode=yes'],
    ...[
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'LogLevel=ERROR',
    ],
    `${host.user}@${host.address}`,
    command,
  ];
  return new Promise((resolve) => {
    execFile('ssh', args, { encoding: 'utf8' }, (err, stdout) => {
      resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout });
    });
  });
}
const fixture = (name: string): string => readFileSync(join(NVIDIA_SMI_FIXTURES, name), 'utf8');

describe('test hosts', () => {
  let th: TestHosts | undefined;
  beforeAll(async () => {
    th = await startTestHosts({ count: 2, fakeNvidiaSmi: { 0: 'h200-busy' } });
  });
  afterAll(async () => {
    await th?.stop();
  });
  const host = (i: number): TestHost => {
    const h = th?.hosts[i];
    if (!h) throw new Error(`no host ${i}`);
    return h;
  };

  it('runs distinct real sshd hosts reachable with the client key', async () => {
    const [a, b] = [host(0), host(1)];
    expect(`${a.address}:${a.port}`).not.toBe(`${b.address}:${b.port}`);
    expect(a.hostKeyFingerprint).not.toBe(b.hostKeyFingerprint);
    const who = await ssh(a, 'id -un; echo "$HOME"; echo "$PATH"');
    const [user, home, path] = who.stdout.split('\n');
    expect(user).toBe(a.user);
    if (process.getuid?.() === 0) expect(user).toBe('rbeestest');
    expect(home).toBe(a.home);
    // SetEnv in sshd_config puts the host's own bin/ first on the PATH of exec sessions.
    expect(path?.split(':')[0]).toBe(join(a.home, 'bin'));
  });

  it('answers nvidia-smi from the fixtures, only on the host that has the fake', async () => {
    const a = host(0);
    const query = await ssh(
      a,
      'nvidia-smi --query-gpu=index,uuid,name --format=csv,noheader,nounits',
    );
    expect(query.stdout).toBe(fixture('h200-busy-query.csv'));
    const apps = await ssh(
      a,
      'nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv,noheader,nounits',
    );
    expect(apps.stdout).toBe(fixture('h200-busy-apps.csv'));
    expect((await ssh(a, 'nvidia-smi')).stdout).toBe(fixture('h200-busy.txt'));
    expect((await ssh(a, 'nvidia-smi --bogus')).code).toBe(2);
    expect((await ssh(host(1), 'nvidia-smi')).code).toBe(127);
  });

  it('cuts and restores the link (root only)', async (ctx) => {
    const b = host(1);
    // Without root (a developer's laptop) hosts share loopback and no link can be cut; CI and
    // these machines run as root, so this runs there.
    if (!b.netns) ctx.skip('cutting links needs network namespaces, which need root');
    await b.setLink(false);
    const cut = await ssh(b, 'true').catch(() => ({ code: -1, stdout: '' }));
    expect(cut.code).not.toBe(0);
    await b.setLink(true);
    expect((await ssh(b, 'echo back')).stdout).toBe('back\n');
  }, 30_000);

  it('stop() leaves no process, namespace, veth or directory behind', async () => {
    const extra = await startTestHosts({ count: 1 });
    const h = extra.hosts[0];
    if (!h) throw new Error('no host');
    // A live session must not survive stop() either (an odd duration: nothing else sleeps it).
    const busy = ssh(h, 'sleep 3137');
    const sleeping = await eventually(
      () => pidsMentioning('sleep 3137'),
      (pids) => pids.length > 0,
    );
    expect(sleeping).toHaveLength(1);
    const pid = h.sshdPid;
    await extra.stop();
    await busy;
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    expect(existsSync(h.home)).toBe(false);
    if (h.netns) {
      expect(await run('ip', ['netns', 'list'])).not.toContain(h.netns);
      expect(await run('ip', ['-o', '-4', 'addr'])).not.toContain(h.address);
    }
    const ps = await run('ps', ['-eo', 'stat=,args=']);
    const live = ps.split('\n').filter((l) => l.includes('sleep 3137') && !l.startsWith('Z'));
    expect(live).toEqual([]);
  });
});

describe('test hosts with another login shell (root only)', () => {
  let th: TestHosts | undefined;
  beforeAll(async () => {
    if (process.getuid?.() !== 0) return;
    th = await startTestHosts({ count: 2, shells: { 0: 'fish', 1: 'zsh' } });
  }, 30_000);
  afterAll(async () => {
    await th?.stop();
  });

  it('runs every command through that shell, as its own user', async (ctx) => {
    if (!th) return ctx.skip('another login shell needs its own user, which needs root');
    const [fish, zsh] = th.hosts as [TestHost, TestHost];
    expect([fish.user, fish.shell, zsh.user, zsh.shell]).toEqual([
      'rbeestest-fish',
      'fish',
      'rbeestest-zsh',
      'zsh',
    ]);
    // `$status` is fish's own exit-status variable; ZSH_VERSION is set by zsh only.
    expect((await ssh(fish, 'false; echo $status')).stdout).toBe('1\n');
    expect((await ssh(zsh, 'echo ${ZSH_VERSION:+zsh}')).stdout).toBe('zsh\n');
    const who = await ssh(fish, 'id -un; echo $HOME');
    expect(who.stdout).toBe(`rbeestest-fish\n${fish.home}\n`);
  });
});
