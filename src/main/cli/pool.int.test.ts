/**
 * `llorch pool …` end to end: the real CLI process, real OpenSSH test hosts, the built agent run
 * on them through a launcher in a temporary agent dir.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels, SCRIPT_TEXT } from '../../../scripts/test-models';
import { startTestHosts } from '../../../scripts/testing/test-hosts';
import type { TestHost, TestHosts } from '../../../scripts/testing/test-hosts';
import { run } from '../../../scripts/testing/test-hosts/proc';
import {
  AGENT_BUNDLE,
  installLauncher,
  jsonLines,
  pidsMentioning,
  runCli,
  startCli,
} from '../../../scripts/testing/cli-process';

const MIB = 1024 ** 2;
let hosts: TestHosts;
let gpuHost: TestHost;
let plainHost: TestHost;
let dir: string;
let agentDir: string;
let calls: string;
let env: NodeJS.ProcessEnv;

/** The flags that reach `host` with a fresh client state (no ssh-agent, our own known_hosts). */
function reach(host: TestHost, extra: string[] = []): string[] {
  return [
    '--host',
    `${host.user}@${host.address}:${host.port}`,
    '--identity',
    host.clientKeyPath,
    '--known-hosts',
    join(dir, 'user_known_hosts'),
    '--agent-dir',
    agentDir,
    ...extra,
  ];
}

beforeAll(async () => {
  const models = await ensureTestModels();
  hosts = await startTestHosts({ count: 2, fakeNvidiaSmi: { 0: 'h200-idle' } });
  [gpuHost, plainHost] = hosts.hosts as [TestHost, TestHost];
  dir = await mkdtemp(join(tmpdir(), 'rbees-cli-'));
  await writeFile(join(dir, 'user_known_hosts'), '');
  agentDir = join(dir, 'agent');
  ({ calls } = await installLauncher(agentDir));
  await run('chmod', ['755', dir]);
  // The host's RBEES_HOME is ~/.rbees under its HOME; its user must own what the agent writes.
  const modelsDir = join(gpuHost.home, '.rbees', 'models');
  await mkdir(modelsDir, { recursive: true });
  await copyFile(models.script, join(modelsDir, 'script.gguf'));
  await run('chown', ['-R', `${gpuHost.user}:${gpuHost.user}`, join(gpuHost.home, '.rbees')]);
  env = { RBEES_HOME: join(dir, 'rbees-home'), SSH_AUTH_SOCK: '' };
  // Both keys trusted up front except in the host key test, which uses plainHost first.
  const trusted = await runCli(
    [
      'pool',
      'status',
      '--json',
      ...reach(gpuHost, ['--trust-host-key', gpuHost.hostKeyFingerprint]),
    ],
    env,
  );
  expect(trusted.stderr).toBe('');
  expect(trusted.code).toBe(0);
}, 120_000);

afterAll(async () => {
  // Whatever a failed assertion left running on the host (a worker, a log follower).
  for (const pid of gpuHost ? await pidsMentioning(gpuHost.home) : []) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await hosts?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('llorch pool over SSH', () => {
  it('refuses an unknown host key, naming the fingerprint and the flag; trusting it persists', async () => {
    const fp = plainHost.hostKeyFingerprint;
    const before = (await readFile(calls, 'utf8')).length;
    const refused = await runCli(['pool', 'status', ...reach(plainHost)], env);
    expect(refused.code).toBe(255);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`unknown host key ${fp}`);
    expect(refused.stderr).toContain(`--trust-host-key ${fp}`);
    expect((await readFile(calls, 'utf8')).length).toBe(before); // nothing ran on the host

    const wrong = await runCli(
      ['pool', 'status', ...reach(plainHost, ['--trust-host-key', gpuHost.hostKeyFingerprint])],
      env,
    );
    expect(wrong.code).toBe(255);
    expect(wrong.stderr).toContain('nothing was trusted');

    const json = await runCli(['pool', 'status', '--json', ...reach(plainHost)], env);
    expect(json.code).toBe(255);
    expect(jsonLines(json.stdout).at(-1)).toMatchObject({
      event: 'error',
      code: 'SSH_HOSTKEY_UNKNOWN',
      details: { fingerprint: fp },
    });

    const trusted = await runCli(
      ['pool', 'status', '--json', ...reach(plainHost, ['--trust-host-key', fp])],
      env,
    );
    expect(trusted.code).toBe(0);
    const knownHosts = await readFile(join(dir, 'rbees-home', 'known_hosts'), 'utf8');
    expect(knownHosts).toContain(plainHost.hostKey.split(' ')[1]);

    // Saved: no flag needed any more. A host without a GPU tool answers gpus: [].
    const again = await runCli(['pool', 'status', '--json', ...reach(plainHost)], env);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(jsonLines(again.stdout).at(-1)).toMatchObject({ event: 'status', gpus: [] });
  });

  it('a changed host key fails with SSH_HOSTKEY_MISMATCH and the fix', async () => {
    await plainHost.restart({ newHostKey: true });
    const res = await runCli(['pool', 'status', '--json', ...reach(plainHost)], env);
    expect(res.code).toBe(255);
    expect(res.stderr).toContain('host key changed');
    expect(jsonLines(res.stdout).at(-1)).toMatchObject({ code: 'SSH_HOSTKEY_MISMATCH' });
  });

  it('pool status --json passes the agent lines through: the fake H200', async () => {
    const res = await runCli(['pool', 'status', '--json', ...reach(gpuHost)], env);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const lines = jsonLines(res.stdout);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      event: 'status',
      gpus: [{ vendor: 'nvidia', index: 0, name: 'NVIDIA H200', memory_total_bytes: 143771 * MIB }],
      models: [{ id: 'script' }],
    });
    const human = await runCli(['pool', 'status', ...reach(gpuHost)], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('NVIDIA H200');
  });

  it("exits with the agent's exit code, its message on our stderr", async () => {
    const res = await runCli(['pool', 'models', 'rm', 'nope', ...reach(gpuHost)], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^rbees-pool: .*nope/m);
    const json = await runCli(['pool', 'models', 'rm', 'nope', '--json', ...reach(gpuHost)], env);
    expect(json.code).toBe(1);
    expect(jsonLines(json.stdout).at(-1)).toMatchObject({
      event: 'error',
      code: 'MODEL_NOT_FOUND',
    });
    // Our usage errors fail before connecting, with 2.
    const usage = await runCli(['pool', 'worker', 'spawn', 'cpu', ...reach(gpuHost)], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('missing --model');
  });

  it('says where the agent is missing', async () => {
    const res = await runCli(
      ['pool', 'status', ...reach(gpuHost), '--agent-dir', join(dir, 'nowhere')],
      env,
    );
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('--agent-dir');
  });

  it('worker spawn, list, logs (and Ctrl-C on --follow), stop', async () => {
    const spawned = await runCli(
      [
        'pool',
        'worker',
        'spawn',
        'cpu',
        '--model',
        'script',
        '--threads',
        '1',
        '--ctx',
        '256',
        '--id',
        'w1',
        '--json',
        ...reach(gpuHost),
      ],
      env,
    );
    expect(spawned.stderr).toBe('');
    expect(spawned.code).toBe(0);
    const { pid } = jsonLines(spawned.stdout).at(-1) as { pid: number };
    expect(jsonLines(spawned.stdout).at(-1)).toMatchObject({ event: 'spawned', id: 'w1' });

    const list = await runCli(['pool', 'worker', 'list', '--json', ...reach(gpuHost)], env);
    expect(list.code).toBe(0);
    expect(jsonLines(list.stdout).at(-1)).toMatchObject({
      event: 'workers',
      workers: [{ id: 'w1', pid, model: 'script', status: 'ready' }],
    });

    // Straight to that worker through this command's own SSH tunnel, no daemon anywhere.
    const infer = await runCli(
      ['infer', '--model', 'script', '--prompt', 'hi', '--max-tokens', '64', ...reach(gpuHost)],
      env,
    );
    expect(infer.stderr).toMatch(/^\d+ tokens, [\d.]+ tok\/s, TTFT \d+ ms\n$/);
    expect(infer.code).toBe(0);
    expect(infer.stdout).toBe(SCRIPT_TEXT);
    const none = await runCli(
      ['infer', '--model', 'other', '--prompt', 'hi', ...reach(gpuHost)],
      env,
    );
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no worker there serves "other" (serving: script)');
    expect(none.stderr).toContain('llorch pool worker spawn cpu --model other');

    const logs = await runCli(['pool', 'worker', 'logs', 'w1', ...reach(gpuHost)], env);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/rbees-workerd\[\d+\]: serving .*script\.gguf/);

    const follow = startCli(['pool', 'worker', 'logs', 'w1', '--follow', ...reach(gpuHost)], env);
    await expect.poll(() => follow.output.stdout, { timeout: 15_000 }).toContain('serving');
    const remote = `${AGENT_BUNDLE} worker logs w1 --follow`;
    expect(await pidsMentioning(remote)).toHaveLength(1);
    follow.child.kill('SIGINT');
    const followed = await follow.done;
    expect(followed.code).toBe(130);
    // The remote follower got the TERM: nothing of it is left on the host.
    await expect.poll(async () => (await pidsMentioning(remote)).length, { timeout: 5000 }).toBe(0);

    const stop = await runCli(['pool', 'worker', 'stop', 'w1', '--json', ...reach(gpuHost)], env);
    expect(stop.code).toBe(0);
    expect(jsonLines(stop.stdout).at(-1)).toMatchObject({ event: 'stopped', id: 'w1', pid });
    const after = await runCli(['pool', 'worker', 'list', '--json', ...reach(gpuHost)], env);
    expect(jsonLines(after.stdout).at(-1)).toMatchObject({ workers: [] });
  });
});
