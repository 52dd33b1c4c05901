/**
 * The hosts API end to end: the built daemon as its own process, a real OpenSSH test host with a
 * fake nvidia-smi, the built agent run on it through a launcher (the hosts share this filesystem).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemonProcess } from '../../../../scripts/testing/daemon-process';
import type { DaemonProcess } from '../../../../scripts/testing/daemon-process';
import { eventually } from '../../../../scripts/testing/eventually';
import { startTestHosts } from '../../../../scripts/testing/test-hosts';
import type { TestHost, TestHosts } from '../../../../scripts/testing/test-hosts';
import { run } from '../../../../scripts/testing/test-hosts/proc';
import { API } from '../../../shared/api';
import type { HostsResponse, HostStatusResponse } from '../../../shared/hosts';
import { installLauncher } from '../../../../scripts/testing/cli-process';

const MIB = 1024 ** 2;
let hosts: TestHosts;
let host: TestHost;
let daemon: DaemonProcess;
let dir: string;
let agentDir: string;

function call(
  method: string,
  path: string,
  body?: unknown,
  token?: string | null,
): ReturnType<DaemonProcess['call']> {
  return daemon.call(method, path, body, token);
}

/** The daemon's established TCP connections to the host's sshd (Linux `ss`, by the daemon's pid). */
async function daemonLinks(): Promise<number> {
  const out = await run('ss', [
    '-Htnp',
    'state',
    'established',
    'dst',
    `${host.address}:${host.port}`,
  ]);
  return out.split('\n').filter((line) => line.includes(`pid=${daemon.pid},`)).length;
}

beforeAll(async () => {
  hosts = await startTestHosts({ count: 1, fakeNvidiaSmi: { 0: 'h200-idle' } });
  [host] = hosts.hosts as [TestHost];
  dir = await mkdtemp(join(tmpdir(), 'rbees-hosts-'));
  await run('chmod', ['755', dir]);
  agentDir = join(dir, 'agent');
  await installLauncher(agentDir);
  const knownHosts = join(dir, 'user_known_hosts');
  await writeFile(knownHosts, '');
  // No ssh-agent: the test key is the only way in, like a fresh machine.
  daemon = await startDaemonProcess({
    env: { RBEES_SSH_KNOWN_HOSTS: knownHosts, SSH_AUTH_SOCK: '' },
  });
}, 120_000);

afterAll(async () => {
  await daemon?.stop();
  await hosts?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('hosts API', () => {
  it('adds a host, asks to trust its key, connects and reads its GPUs; delete closes it', async () => {
    const added = await call('POST', API.hosts, {
      name: 'gpu1',
      spec: `${host.user}@${host.address}:${host.port}`,
      identity_file: host.clientKeyPath,
      agent_dir: agentDir,
    });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ name: 'gpu1', state: 'idle', agent_dir: agentDir });

    const duplicate = await call('POST', API.hosts, { name: 'gpu1', spec: 'other' });
    expect(duplicate.status).toBe(400);
    expect(duplicate.json.error).toMatchObject({
      code: 'BAD_REQUEST',
      details: { fields: ['name'] },
    });
    const badName = await call('POST', API.hosts, { name: '../x', spec: 'other' });
    expect(badName.status).toBe(400);
    expect(JSON.stringify(badName.json)).toContain('name:');

    const unknown = await call('POST', API.hostConnect('gpu1'));
    expect(unknown.status).toBe(409);
    expect(unknown.json.error).toMatchObject({
      code: 'SSH_HOSTKEY_UNKNOWN',
      details: { fingerprint: host.hostKeyFingerprint },
    });

    const trusted = await call('POST', API.hostTrust('gpu1'), {
      fingerprint: host.hostKeyFingerprint,
    });
    expect(trusted.status).toBe(200);
    expect(trusted.json).toMatchObject({ name: 'gpu1', state: 'online' });
    // Trust goes to the daemon's own known_hosts, never into the user's OpenSSH file.
    expect(await readFile(join(daemon.home, 'known_hosts'), 'utf8')).toContain(
      host.hostKey.split(' ')[1],
    );
    expect(await readFile(join(dir, 'user_known_hosts'), 'utf8')).toBe('');

    const status = await call('GET', API.hostStatus('gpu1'));
    expect(status.status).toBe(200);
    const gpus = (status.json as unknown as HostStatusResponse).gpus;
    expect(gpus).toHaveLength(1);
    expect(gpus[0]).toMatchObject({ name: 'NVIDIA H200', memory_total_bytes: 143771 * MIB });

    const list = (await call('GET', API.hosts)).json as unknown as HostsResponse;
    expect(list.hosts.map((h) => [h.name, h.state])).toEqual([
      ['local', 'local'],
      ['gpu1', 'online'],
    ]);
    expect(await daemonLinks()).toBe(1);

    const removed = await call('DELETE', API.host('gpu1'));
    expect(removed.status).toBe(204);
    const after = (await call('GET', API.hosts)).json as unknown as HostsResponse;
    expect(after.hosts.map((h) => h.name)).toEqual(['local']);
    expect(await eventually(daemonLinks, (n) => n === 0)).toBe(0);
    expect((await call('DELETE', API.host('gpu1'))).status).toBe(404);
    expect((await call('GET', API.hostStatus('gpu1'))).status).toBe(404);
  });

  it('reports an agent failure as 502 with its message', async () => {
    await call('POST', API.hosts, {
      name: 'noagent',
      spec: `${host.user}@${host.address}:${host.port}`,
      identity_file: host.clientKeyPath,
      agent_dir: join(dir, 'missing'),
    });
    const status = await call('GET', API.hostStatus('noagent'));
    expect(status.status).toBe(502);
    expect(JSON.stringify(status.json)).toContain('noagent: rbees-pool status failed');
    expect((await call('DELETE', API.host('noagent'))).status).toBe(204);
  });

  it('reads this computer as `local`, which cannot be removed', async () => {
    const status = await call('GET', API.hostStatus('local'));
    expect(status.status).toBe(200);
    expect(status.json).toMatchObject({ event: 'status' });
    expect(typeof status.json.hostname).toBe('string');
    const removed = await call('DELETE', API.host('local'));
    expect(removed.status).toBe(400);
    expect(removed.json.error).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('needs the token', async () => {
    expect((await call('GET', API.hosts, undefined, null)).status).toBe(401);
    expect((await call('POST', API.hosts, { name: 'x', spec: 'y' }, 'wrong')).status).toBe(401);
    expect((await call('GET', API.hostStatus('local'), undefined, null)).status).toBe(401);
  });
});
