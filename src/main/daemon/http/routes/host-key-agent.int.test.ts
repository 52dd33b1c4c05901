/**
 * The hosts view's two lifecycle questions, through the daemon's HTTP API against real OpenSSH
 * hosts: is the host's agent the one this app ships (GET /agent), and what to do when a host's key
 * changed (a regenerated sshd host key): replace it in rbees' own known_hosts only with the
 * confirmed key, and never touch the user's file.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../../scripts/testing/eventually';
import { startPool } from '../../../../../scripts/testing/pool-fixture';
import type { PoolFixture } from '../../../../../scripts/testing/pool-fixture';
import type { TestHost } from '../../../../../scripts/testing/test-hosts';
import { API } from '../../../../shared/api';
import type { AgentVersionResponse, HostInfo, HostsResponse } from '../../../../shared/hosts';
import { keygenRemoveCommand } from '../../../ssh/host-key';

let pool: PoolFixture;
let a: TestHost;
let b: TestHost;

beforeAll(async () => {
  pool = await startPool({ hosts: { count: 2 } });
  [a, b] = pool.hosts as [TestHost, TestHost];
}, 180_000);

afterAll(async () => {
  await pool?.stop();
});

async function info(name: string): Promise<HostInfo | undefined> {
  const list = (await pool.daemon.call('GET', API.hosts)).json as unknown as HostsResponse;
  return list.hosts.find((h) => h.name === name);
}

const keyBlob = (host: TestHost): string => host.hostKey.split(' ')[1] ?? '';
const token = (host: TestHost): string =>
  host.port === 22 ? host.address : `[${host.address}]:${host.port}`;

describe('agent version', () => {
  it('tells missing, unknown, outdated and current apart', async () => {
    await pool.register('gpu', a);
    const agent = async () =>
      (await pool.daemon.call('GET', API.hostAgent('gpu'))).json as unknown as AgentVersionResponse;
    // The fixture's launcher runs the built agent but was not put there by the installer.
    const first = await agent();
    expect(first).toMatchObject({ state: 'unknown', installed: null, platform: 'linux-x64' });
    const shipped = first.shipped;
    expect(shipped).toMatch(/^\d+\.\d+\.\d+\S*\+[0-9a-f]{12}$/);
    await writeFile(join(pool.agentDir, 'VERSION'), '0.0.1+000000000000\n');
    const started = performance.now();
    expect(await agent()).toMatchObject({
      state: 'outdated',
      installed: '0.0.1+000000000000',
      shipped,
    });
    process.stdout.write(
      `GET /agent (cached shipped version): ${(performance.now() - started).toFixed(1)} ms\n`,
    );
    await writeFile(join(pool.agentDir, 'VERSION'), `${shipped}\n`);
    expect(await agent()).toMatchObject({ state: 'current', installed: shipped });

    const missing = await pool.daemon.call('POST', API.hosts, {
      name: 'empty',
      spec: `${a.user}@${a.address}:${a.port}`,
      identity_file: a.clientKeyPath,
      agent_dir: join(pool.dir, 'nowhere'),
    });
    expect(missing.status).toBe(201);
    const answer = await pool.daemon.call('GET', API.hostAgent('empty'));
    expect(answer.json).toMatchObject({ state: 'missing', installed: null });
    expect((await pool.daemon.call('GET', API.hostAgent('local'))).status).toBe(400);
  }, 60_000);
});

describe('a changed host key', () => {
  it('is replaced in rbees’ known_hosts only by the confirmed key', async () => {
    const knownHosts = join(pool.daemon.home, 'known_hosts');
    const oldFp = a.hostKeyFingerprint;
    const oldKey = keyBlob(a);
    expect(await readFile(knownHosts, 'utf8')).toContain(oldKey);
    await a.restart({ newHostKey: true });
    expect(a.hostKeyFingerprint).not.toBe(oldFp);

    const offline = await eventually(
      () => info('gpu'),
      (h) => h?.reason_code === 'SSH_HOSTKEY_MISMATCH',
      30_000,
    );
    expect(offline).toMatchObject({ state: 'offline', reason_code: 'SSH_HOSTKEY_MISMATCH' });

    const refused = await pool.daemon.call('POST', API.hostConnect('gpu'));
    expect(refused.status).toBe(409);
    const error = refused.json.error as { code: string; details: Record<string, unknown> };
    expect(error.code).toBe('SSH_HOSTKEY_MISMATCH');
    expect(error.details).toMatchObject({
      fingerprint: a.hostKeyFingerprint,
      known: [{ fingerprint: oldFp, key_type: 'ssh-ed25519' }],
      replaceable: true,
      remove_command: null,
    });

    // A fingerprint other than the one the host presents: nothing changes.
    const wrong = await pool.daemon.call('POST', API.hostReplaceKey('gpu'), { fingerprint: oldFp });
    expect(wrong.status).toBe(409);
    const wrongError = wrong.json.error as { code: string; message: string };
    expect(wrongError.code).toBe('SSH_HOSTKEY_MISMATCH');
    expect(wrongError.message).toContain('nothing was replaced and the old key is kept');
    expect(await readFile(knownHosts, 'utf8')).toContain(oldKey);
    expect(await readFile(knownHosts, 'utf8')).not.toContain(keyBlob(a));

    const replaced = await pool.daemon.call('POST', API.hostReplaceKey('gpu'), {
      fingerprint: a.hostKeyFingerprint,
    });
    expect(replaced.status).toBe(200);
    expect(replaced.json).toMatchObject({ name: 'gpu', state: 'online' });
    const text = await readFile(knownHosts, 'utf8');
    expect(text).toContain(keyBlob(a));
    expect(text).not.toContain(oldKey);
    const status = await pool.daemon.call('GET', API.hostStatus('gpu'));
    expect(status.json).toMatchObject({ event: 'status' });
  }, 90_000);

  it('in the user’s known_hosts: never edited, the ssh-keygen -R to run instead', async () => {
    // The daemon's "~/.ssh/known_hosts" (RBEES_SSH_KNOWN_HOSTS) knows b: it connects untrusted.
    const userFile = join(pool.dir, 'none');
    const original = `${token(b)} ${b.hostKey}\n`;
    await writeFile(userFile, original);
    const added = await pool.daemon.call('POST', API.hosts, {
      name: 'box',
      spec: `${b.user}@${b.address}:${b.port}`,
      identity_file: b.clientKeyPath,
      agent_dir: pool.agentDir,
    });
    expect(added.status).toBe(201);
    expect((await pool.daemon.call('POST', API.hostConnect('box'))).json).toMatchObject({
      state: 'online',
    });
    await b.restart({ newHostKey: true });
    await eventually(
      () => info('box'),
      (h) => h?.reason_code === 'SSH_HOSTKEY_MISMATCH',
      30_000,
    );
    const command = keygenRemoveCommand(b.address, b.port, userFile);
    const refused = await pool.daemon.call('POST', API.hostConnect('box'));
    expect(refused.json.error).toMatchObject({
      code: 'SSH_HOSTKEY_MISMATCH',
      details: { replaceable: false, remove_command: command, fingerprint: b.hostKeyFingerprint },
    });
    const replace = await pool.daemon.call('POST', API.hostReplaceKey('box'), {
      fingerprint: b.hostKeyFingerprint,
    });
    expect(replace.status).toBe(409);
    expect(replace.json.error).toMatchObject({
      code: 'SSH_HOSTKEY_MISMATCH',
      details: { remove_command: command, replaceable: false },
    });
    expect(await readFile(userFile, 'utf8')).toBe(original);
  }, 90_000);
});
