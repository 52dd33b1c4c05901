/**
 * sshd runs every exec'd command through the user's login shell. Against real OpenSSH hosts whose
 * users log in with fish and zsh, a session's commands mean what they say: arguments arrive as
 * written, POSIX syntax works, stdin reaches the command and an abort's TERM reaches it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHosts } from '../../../scripts/testing/test-hosts';
import type { TestHost, TestHosts } from '../../../scripts/testing/test-hosts';
import { SshSession } from './session';
import { poolCommand } from './shell-quote';
import { collect, hostOptions } from '../../../scripts/testing/ssh-session';

let th: TestHosts;
const dir = mkdtempSync(join(tmpdir(), 'rbees-login-shell-'));
const sessions = new Map<string, SshSession>();

beforeAll(async () => {
  th = await startTestHosts({ count: 2, shells: { 0: 'fish', 1: 'zsh' } });
  for (const h of th.hosts) {
    const s = new SshSession(hostOptions(h, mkdtempSync(join(dir, `${h.shell}-`))));
    await s.trust(h.hostKeyFingerprint);
    sessions.set(h.shell, s);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([...sessions.values()].map((s) => s.close()));
  await th?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const hosts = (): TestHost[] => th.hosts;
const sessionOf = (h: TestHost): SshSession => sessions.get(h.shell) as SshSession;

/** Each broke a login shell under plain POSIX quoting (see shell-quote.test.ts). */
function hostile(home: string): string[] {
  const marker = join(home, 'pwned');
  return [
    "'; rm -rf ~'",
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    'a\\',
    ` (touch ${marker}) `,
    'b\\',
    'line\nbreak',
    '*',
    '=ls',
    'trailing\\',
  ];
}

describe.each(['fish', 'zsh'])('a host whose login shell is %s', (shell) => {
  const host = (): TestHost => hosts().find((h) => h.shell === shell) as TestHost;

  it('passes hostile arguments through literally and runs nothing', async () => {
    const h = host();
    const args = hostile(h.home);
    await writeFile(join(h.home, 'keep.txt'), 'mine\n');
    const before = await readdir(h.home);
    const run = await collect(sessionOf(h).exec(poolCommand('~', ['%s\\0', ...args], 'printf')));
    expect(run.err).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.out.join('\n').split('\0').slice(0, -1)).toEqual(args);
    // Nothing created, nothing removed (fish makes its own ~/.config and ~/.local on first use).
    const after = await readdir(h.home);
    expect(after).not.toContain('pwned');
    expect(after).toEqual(expect.arrayContaining(before));
  });

  it('runs the POSIX syntax the installer uses', async () => {
    const s = sessionOf(host());
    const script = 'x=$(echo hi); if [ "$x" = hi ]; then false; rc=$?; echo "rc=$rc"; fi';
    expect(await collect(s.exec(script))).toMatchObject({ out: ['rc=1'], code: 0 });
    expect(await collect(s.exec('echo "$0"', { cwd: '~' }))).toMatchObject({ out: ['sh'] });
  });

  it("gives the command the channel's stdin", async () => {
    const channel = await sessionOf(host()).openChannel('read line; echo "got $line"');
    let out = '';
    channel.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const closed = new Promise<void>((resolve) => channel.once('close', () => resolve()));
    channel.end('tar bytes\n');
    await closed;
    expect(out).toBe('got tar bytes\n');
  });

  it("sends an abort's TERM to the command itself", async () => {
    const s = sessionOf(host());
    const ac = new AbortController();
    const seconds = shell === 'fish' ? '2345.6' : '2345.7';
    const proc = s.exec(poolCommand('/', [seconds], 'sleep'), { signal: ac.signal });
    const pattern = `sleep ${seconds.replace('.', '[.]')}`;
    const running = async () => (await collect(s.exec(`pgrep -f "${pattern}" || true`))).out;
    for (let i = 0; i < 100 && (await running()).length === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await running()).toHaveLength(1);
    ac.abort();
    await expect(proc.exit).rejects.toMatchObject({ code: 'CANCELLED' });
    for (let i = 0; i < 100 && (await running()).length > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await running()).toEqual([]);
  });
});
