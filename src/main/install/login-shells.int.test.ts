/**
 * Pool hosts whose users log in with fish and with zsh, driven from the outside as a person
 * would: the real installer (the CLI on the fish host, the daemon's API on the zsh host), then
 * through the daemon: the agent's status, a worker that spawns and answers, its logs followed;
 * and hostile arguments through `llorch pool`, which reach the agent as written. sshd runs every
 * one of these commands through that login shell.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels } from '../../../scripts/test-models';
import type { TestModels } from '../../../scripts/test-models';
import { eventually } from '../../../scripts/testing/eventually';
import { putModelOnHost, startPool } from '../../../scripts/testing/pool-fixture';
import type { PoolFixture } from '../../../scripts/testing/pool-fixture';
import type { TestHost } from '../../../scripts/testing/test-hosts';
import { run } from '../../../scripts/testing/test-hosts/proc';
import { API } from '../../shared/api';
import { decodeSse } from '../../shared/sse';
import { jsonLines, pidsMentioning, runCli } from '../../../scripts/testing/cli-process';

let pool: PoolFixture;
let models: TestModels;
let fish: TestHost;
let zsh: TestHost;

const hostOf = (shell: string): TestHost => (shell === 'fish' ? fish : zsh);

beforeAll(async () => {
  models = await ensureTestModels();
  pool = await startPool({ hosts: { count: 2, shells: { 0: 'fish', 1: 'zsh' } } });
  [fish, zsh] = pool.hosts as [TestHost, TestHost];
  expect([fish.shell, zsh.shell]).toEqual(['fish', 'zsh']);
}, 120_000);

afterAll(async () => {
  // Whatever a failed assertion left running on the hosts (a worker, a log follower).
  for (const h of pool?.hosts ?? []) {
    for (const pid of await pidsMentioning(h.home)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  await pool?.stop();
});

/** An SSE endpoint's events (name and parsed data) until it ends or `until` says stop. */
async function sse(path: string, init: RequestInit = {}, until?: (event: string) => boolean) {
  const response = await fetch(`${pool.daemon.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${pool.daemon.token}` },
  });
  expect(response.status).toBe(200);
  const events: { event: string; data: Record<string, unknown> }[] = [];
  for await (const m of decodeSse(response.body as AsyncIterable<Uint8Array>)) {
    const event = m.event ?? 'message';
    events.push({ event, data: JSON.parse(m.data) as Record<string, unknown> });
    if (until?.(event)) break;
  }
  return events;
}

describe('the installer through a fish and a zsh login shell', () => {
  it('installs with llorch pool install on the fish host', async () => {
    const res = await runCli(
      [
        'pool',
        'install',
        '--json',
        '--host',
        `${fish.user}@${fish.address}:${fish.port}`,
        '--identity',
        fish.clientKeyPath,
        '--known-hosts',
        join(pool.dir, 'none'),
        '--trust-host-key',
        fish.hostKeyFingerprint,
      ],
      { RBEES_HOME: join(pool.dir, 'cli-home'), SSH_AUTH_SOCK: '' },
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const events = jsonLines(res.stdout).map((e) => e.event);
    expect(events).toEqual([
      'probed',
      'payload',
      'uploaded',
      'checked',
      'swapped',
      'verified',
      'installed',
    ]);
    await pool.register('fish', fish, '~/.rbees/agent');
  }, 600_000);

  it("installs through the daemon's API on the zsh host, into an empty dir with a space", async () => {
    const dir = join(zsh.home, 'rbees agent');
    await mkdir(dir);
    await run('chown', [`${zsh.user}:`, dir]);
    await pool.register('zsh', zsh, '~/rbees agent');
    const events = await sse(API.hostInstall('zsh'), { method: 'POST' });
    expect(events.map((e) => e.event)).toEqual([
      'probed',
      'payload',
      'uploaded',
      'checked',
      'swapped',
      'verified',
      'installed',
    ]);
    expect(events.at(-1)?.data).toMatchObject({ dir });
  }, 600_000);
});

describe.each(['fish', 'zsh'])('a %s host through the daemon', (shell) => {
  it("answers the agent's status, and its version is the shipped one", async () => {
    const status = await pool.daemon.call('GET', API.hostStatus(shell));
    expect(status.status).toBe(200);
    expect(status.json).toMatchObject({ event: 'status', platform: 'linux' });
    const agent = await pool.daemon.call('GET', API.hostAgent(shell));
    expect(agent.json).toMatchObject({ state: 'current' });
  });

  it('spawns a worker that answers, and follows its logs', async () => {
    const host = hostOf(shell);
    await putModelOnHost(host, models.script);
    const spawned = await pool.daemon.call('POST', API.hostWorkers(shell), {
      model: 'script',
      backend: 'cpu',
      threads: 1,
    });
    expect(spawned.status).toBe(201);
    const id = String(spawned.json.id);
    try {
      const reply = await pool.daemon.call('POST', API.chatCompletions, {
        model: 'script',
        messages: [{ role: 'user', content: 'hello' }],
        max_tokens: 64,
      });
      expect(reply.status).toBe(200);
      const choices = reply.json.choices as { message: { content: string } }[];
      expect(choices[0]?.message.content).toBe(models.scriptText);

      // Following: the first log line arrives, then leaving the stream ends the follower.
      const leave = new AbortController();
      const logs = await sse(
        `${API.hostWorkerLogs(shell, id)}?follow=1&lines=5`,
        { signal: leave.signal },
        (event) => event === 'log',
      );
      leave.abort();
      expect(logs.at(-1)?.event).toBe('log');
      const followers = await eventually(
        () => pidsMentioning(`worker logs ${id} --follow`),
        (pids) => pids.length === 0,
      );
      expect(followers).toEqual([]);
    } finally {
      expect((await pool.daemon.call('DELETE', API.hostWorker(shell, id))).status).toBe(204);
    }
  }, 120_000);

  it('hands hostile arguments from llorch pool to the agent as written, running nothing', async () => {
    const host = hostOf(shell);
    const marker = join(host.home, 'pwned');
    const env = { RBEES_HOME: pool.daemon.home, SSH_AUTH_SOCK: '' };
    const hostile = [
      "'; rm -rf ~'",
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      'line\nbreak',
      '*',
      '=ls',
      'trailing\\',
    ];
    for (const ref of hostile) {
      const res = await runCli(['pool', 'models', 'download', ref, '--json', '--host', shell], env);
      expect(res.code, ref).toBe(1);
      const last = jsonLines(res.stdout).at(-1);
      expect(last, ref).toMatchObject({ event: 'error', code: 'BAD_REQUEST' });
      expect(String(last?.message), ref).toMatch(new RegExp(`^Model reference "${escape(ref)}":`));
    }
    // Under fish, POSIX quoting ended no string at `'a\'`: the middle one ran as a substitution.
    const split = ['a\\', ` (touch ${marker}) `, 'b\\'];
    const res = await runCli(['pool', 'models', 'download', ...split, '--host', shell], env);
    expect(res.stderr).toContain('Give exactly one of <ref>');
    // A substitution runs before the command it is part of: by now it would have.
    const left = (await run('ls', ['-A', host.home])).split('\n');
    expect(left).not.toContain('pwned');
    expect(left).toContain('.rbees');
  }, 120_000);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
