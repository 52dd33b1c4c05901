import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHosts } from '../../../scripts/testing/test-hosts';
import type { TestHost, TestHosts } from '../../../scripts/testing/test-hosts';
import { SshSession } from './session';
import { collect, hostOptions } from '../../../scripts/testing/ssh-session';

let th: TestHosts | undefined;
let agent: ChildProcess | undefined;
const sessions: SshSession[] = [];
const dir = mkdtempSync(join(tmpdir(), 'rbees-ssh-auth-'));
beforeAll(async () => {
  th = await startTestHosts({ count: 1 });
});
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  if (agent && agent.exitCode === null) {
    const exited = new Promise((r) => agent?.once('exit', r));
    agent.kill();
    await exited;
  }
  await th?.stop();
  rmSync(dir, { recursive: true, force: true });
});
const host = (): TestHost => {
  const h = th?.hosts[0];
  if (!h) throw new Error('test host did not start');
  return h;
};
function keygen(name: string, passphrase = ''): string {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-f', path]);
  return path;
}
async function newSession(options: Partial<ReturnType<typeof hostOptions>>): Promise<SshSession> {
  const s = new SshSession({ ...hostOptions(host(), dir), ...options });
  sessions.push(s);
  return s;
}

describe('SSH authentication', () => {
  it('logs in through ssh-agent', async () => {
    const sock = join(dir, 'agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    for (let i = 0; i < 200 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 10));
    execFileSync('ssh-add', ['-q', host().clientKeyPath], {
      env: { ...process.env, SSH_AUTH_SOCK: sock },
      stdio: 'ignore',
    });
    const s = await newSession({ agent: sock, identityFiles: [] });
    await s.trust(host().hostKeyFingerprint);
    expect((await collect(s.exec('echo agent'))).out).toEqual(['agent']);
  });

  it('says to ssh-add a passphrase-protected key when there is no agent', async () => {
    const locked = keygen('locked', 'secret passphrase');
    const s = await newSession({ agent: false, identityFiles: [locked] });
    const err = await s.connect().catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'SSH_AUTH_FAILED',
      details: { passphrase_protected: [locked] },
    });
    expect((err as Error).message).toContain(`ssh-add ${locked}`);
    expect(s.status.retryInMs).toBeNull();
  });

  it('names the keys the host refused', async () => {
    const stranger = keygen('stranger');
    const s = await newSession({
      agent: false,
      identityFiles: [stranger, join(dir, 'missing')],
    });
    const err = await s.connect().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SSH_AUTH_FAILED' });
    expect((err as Error).message).toContain(
      `${host().user}@${host().address} refused our keys (tried ${stranger})`,
    );
  });
});
