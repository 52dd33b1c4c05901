/**
 * `llorch pool install` end to end: the real CLI against a real OpenSSH test host. The host shares
 * this filesystem, so the test checks that the install does not lean on it: no file mentions the
 * checkout, and the agent runs with the host's own PATH and HOME.
 */
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHosts } from '../../../scripts/testing/test-hosts';
import type { TestHost, TestHosts } from '../../../scripts/testing/test-hosts';
import { run } from '../../../scripts/testing/test-hosts/proc';
import { jsonLines, REPO, runCli } from '../../../scripts/testing/cli-process';

let hosts: TestHosts;
let host: TestHost;
let dir: string;
let env: NodeJS.ProcessEnv;

function reach(extra: string[] = []): string[] {
  return [
    '--host',
    `${host.user}@${host.address}:${host.port}`,
    '--identity',
    host.clientKeyPath,
    '--known-hosts',
    join(dir, 'user_known_hosts'),
    ...extra,
  ];
}

/** Every file under `root` whose bytes contain `text` (the installed tree is ~1 GB: stream it). */
async function filesMentioning(root: string, text: string): Promise<string[]> {
  const out = await run('grep', ['-rlF', '--binary-files=binary', text, root]).catch(() => '');
  return out.split('\n').filter((l) => l !== '');
}

beforeAll(async () => {
  hosts = await startTestHosts({ count: 1 });
  [host] = hosts.hosts as [TestHost];
  dir = await mkdtemp(join(tmpdir(), 'rbees-install-'));
  await writeFile(join(dir, 'user_known_hosts'), '');
  env = { RBEES_HOME: join(dir, 'rbees-home'), SSH_AUTH_SOCK: '' };
}, 60_000);

afterAll(async () => {
  await hosts?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('llorch pool install', () => {
  let firstVersion = '';

  it('installs into ~/.rbees/agent, self-contained, and `pool status` works from it', async () => {
    const installed = await runCli(
      ['pool', 'install', '--json', ...reach(['--trust-host-key', host.hostKeyFingerprint])],
      env,
    );
    expect(installed.stderr).toBe('');
    expect(installed.code).toBe(0);
    const events = jsonLines(installed.stdout);
    expect(events.map((e) => e.event)).toEqual([
      'probed',
      'payload',
      'uploaded',
      'checked',
      'swapped',
      'verified',
      'installed',
    ]);
    const last = events.at(-1) ?? {};
    const agentDir = join(host.home, '.rbees', 'agent');
    expect(last).toMatchObject({ event: 'installed', dir: agentDir });
    firstVersion = String(last.version);
    expect(await readFile(join(agentDir, 'VERSION'), 'utf8')).toBe(`${firstVersion}\n`);
    process.stdout.write(`install: ${JSON.stringify(events[1])}\n${JSON.stringify(last)}\n`);

    const names = await readdir(agentDir);
    expect(names.sort()).toEqual(
      [
        'VERSION',
        'chunks',
        'node_modules',
        'package.json',
        'rbees-pool',
        'rbees-pool.js',
        'workerd.js',
      ].sort(),
    );
    expect(await readdir(join(host.home, '.rbees'))).toEqual(['agent']);
    expect(await filesMentioning(agentDir, REPO.replace(/\/$/, ''))).toEqual([]);

    const status = await runCli(
      ['pool', 'status', '--json', ...reach(['--agent-dir', '~/.rbees/agent'])],
      env,
    );
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(jsonLines(status.stdout)[0]).toMatchObject({ event: 'status', platform: 'linux' });
  }, 300_000);

  it('runs with an environment that cannot see the checkout', async () => {
    const agentDir = join(host.home, '.rbees', 'agent');
    const out = await run('env', [
      '-i',
      `HOME=${host.home}`,
      'PATH=/usr/local/bin:/usr/bin:/bin',
      'sh',
      '-c',
      `cd / && ${agentDir}/rbees-pool status --json`,
    ]);
    expect(JSON.parse(out.trim().split('\n')[0] ?? '')).toMatchObject({ event: 'status' });
  }, 60_000);

  it('sends nothing when the host has this version, and updates in place with --force', async () => {
    const agentDir = join(host.home, '.rbees', 'agent');
    const same = await runCli(['pool', 'install', '--json', ...reach()], env);
    expect(same.stderr).toBe('');
    expect(same.code).toBe(0);
    const events = jsonLines(same.stdout);
    expect(events.map((e) => e.event)).toContain('current');
    expect(events.at(-1)).toMatchObject({ event: 'installed', version: firstVersion, bytes: 0 });
    process.stdout.write(`same version: ${JSON.stringify(events.at(-1))}\n`);

    // A file the new payload lacks: gone after the update, so the dir was replaced, not merged.
    await writeFile(join(agentDir, 'stale.txt'), 'old install\n');
    const again = await runCli(['pool', 'install', '--force', ...reach()], env);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^swapped in ~\/\.rbees\/agent$/m);
    expect(again.stdout).toMatch(/^installed .* in .*\.rbees\/agent \(/m);
    process.stdout.write(`re-install: ${again.stdout.trim().split('\n').at(-1)}\n`);
    expect(await readdir(agentDir)).not.toContain('stale.txt');
    expect(await readdir(join(host.home, '.rbees'))).toEqual(['agent']);
    const status = await runCli(
      ['pool', 'status', ...reach(['--agent-dir', '~/.rbees/agent'])],
      env,
    );
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^host /m);
  }, 300_000);

  it('leaves the working install alone when the new one does not start', async () => {
    const agentDir = join(host.home, '.rbees', 'agent');
    // linux-arm64 binaries on an x64 host: unpacks fine, fails the check in agent.new.
    const wrong = await runCli(
      ['pool', 'install', '--json', '--platform', 'linux-arm64', ...reach()],
      env,
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/the new agent in ~\/\.rbees\/agent\.new does not start/);
    expect(wrong.stderr).toMatch(/the installed agent is unchanged/);
    expect(jsonLines(wrong.stdout).map((e) => e.event)).toEqual([
      'probed',
      'payload',
      'uploaded',
      'error',
    ]);
    expect(await readFile(join(agentDir, 'VERSION'), 'utf8')).toBe(`${firstVersion}\n`);
    const status = await runCli(
      ['pool', 'status', ...reach(['--agent-dir', '~/.rbees/agent'])],
      env,
    );
    expect(status.code).toBe(0);
  }, 120_000);

  it.each([
    ['too old', 'echo v18.19.0', /node v18\.19\.0 is too old — install Node\.js 20 or newer on /],
    ['missing', 'exit 127', /no `node` found — install Node\.js 20 or newer on /],
  ])(
    'refuses a host whose node is %s, naming the fix',
    async (_, body, message) => {
      const fake = join(host.home, 'bin', 'node');
      await run('mkdir', ['-p', join(host.home, 'bin')]);
      await writeFile(fake, `#!/bin/sh\n${body}\n`);
      await chmod(fake, 0o755);
      try {
        const refused = await runCli(
          ['pool', 'install', '--json', ...reach(['--agent-dir', '~/other'])],
          env,
        );
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(message);
        expect(jsonLines(refused.stdout).at(-1)).toMatchObject({ event: 'error' });
        expect(await readdir(host.home)).not.toContain('other');
      } finally {
        await rm(fake, { force: true });
      }
    },
    60_000,
  );
});
