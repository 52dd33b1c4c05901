/**
 * The long-lived `rbees-pool serve --stdio` per SSH session: the built daemon and agent against a
 * real OpenSSH test host (the hosts share this filesystem and process table).
 */
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DaemonProcess } from '../../../../scripts/testing/daemon-process';
import { eventually } from '../../../../scripts/testing/eventually';
import { startPool } from '../../../../scripts/testing/pool-fixture';
import type { PoolFixture } from '../../../../scripts/testing/pool-fixture';
import type { TestHost } from '../../../../scripts/testing/test-hosts';
import { API } from '../../../shared/api';
import type { HostStatusResponse } from '../../../shared/hosts';
import {
  AGENT_BUNDLE,
  installLauncher,
  pidsMentioning,
} from '../../../../scripts/testing/cli-process';
import { LineSplitter, poolCommand, SshSession } from '../../ssh';
import { hostOptions } from '../../../../scripts/testing/ssh-session';
import { StatusLineSchema } from '../../../shared/status-schemas';
import { agentAnswer } from './agent-calls';
import { remoteAgent } from './agent-runner';

let pool: PoolFixture;
let host: TestHost;
let daemon: DaemonProcess;
let dir: string;

/**
 * An agent dir whose launcher runs the bundle through a symlink named after the dir, so this
 * file's serve processes can be told from those of tests running beside it.
 */
async function agentDir(name: string, prelude = ''): Promise<{ dir: string; marker: string }> {
  const agent = join(dir, name);
  const { calls } = await installLauncher(agent);
  const bundle = join(agent, 'bundle.js');
  await symlink(AGENT_BUNDLE, bundle);
  await writeFile(
    join(agent, 'rbees-pool'),
    `#!/bin/sh\necho "$*" >> ${calls}\n${prelude}exec ${process.execPath} ${bundle} "$@"\n`,
  );
  return { dir: agent, marker: `${bundle} serve --stdio` };
}

async function calls(agent: string): Promise<string[]> {
  return (await readFile(join(agent, 'calls.log'), 'utf8')).split('\n').filter(Boolean);
}

async function session(): Promise<SshSession> {
  const s = new SshSession(hostOptions(host, dir));
  await s.trust(host.hostKeyFingerprint);
  return s;
}

beforeAll(async () => {
  pool = await startPool({ hosts: { count: 1, fakeNvidiaSmi: { 0: 'h200-idle' } } });
  [host] = pool.hosts as [TestHost];
  ({ daemon, dir } = pool);
}, 120_000);

afterAll(async () => {
  await pool?.stop();
});

describe('rbees-pool serve', () => {
  it('answers the daemon with one serve process per session, gone with the host', async () => {
    const agent = await agentDir('agent');
    await pool.register('gpu1', host, agent.dir); // fails unless the host comes online

    const answers = await Promise.all(
      Array.from({ length: 20 }, () => daemon.call('GET', API.hostStatus('gpu1'))),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      const { gpus } = answer.json as unknown as HostStatusResponse;
      expect(gpus[0]).toMatchObject({ name: 'NVIDIA H200' });
    }
    expect(await pidsMentioning(agent.marker)).toHaveLength(1);
    // Every answer came through serve: no `status` was started as its own process (the cluster
    // monitor's own calls, such as `models download --list`, may run beside it).
    const started = await calls(agent.dir);
    expect(started.filter((call) => call.startsWith('serve'))).toEqual(['serve --stdio --json']);
    expect(started.filter((call) => call.startsWith('status'))).toEqual([]);

    expect((await daemon.call('DELETE', API.host('gpu1'))).status).toBe(204);
    expect(
      await eventually(
        () => pidsMentioning(agent.marker),
        (pids) => pids.length === 0,
      ),
    ).toEqual([]);
  });

  it('refuses a command it does not serve and exits when its channel ends', async () => {
    const agent = await agentDir('refuse');
    const s = await session();
    try {
      const channel = await s.openChannel(
        poolCommand(agent.dir, ['serve', '--stdio', '--json'], './rbees-pool'),
      );
      const replies: Record<string, unknown>[] = [];
      const split = new LineSplitter();
      const exited = new Promise<void>((resolve) => {
        channel.on('data', (chunk: Buffer) => {
          for (const line of split.push(chunk)) {
            const reply = JSON.parse(line) as Record<string, unknown>;
            replies.push(reply);
            if (reply.exit !== undefined) resolve();
          }
        });
      });
      channel.write(`${JSON.stringify({ id: 1, args: ['models', 'rm', 'some-model'] })}\n`);
      await exited;
      expect(replies[0]).toMatchObject({ event: 'serving' });
      expect(replies.slice(1)).toEqual([
        {
          id: 1,
          line: {
            event: 'error',
            code: 'BAD_REQUEST',
            message: expect.stringContaining('"models rm some-model" is not served') as unknown,
          },
        },
        { id: 1, exit: 2 },
      ]);
      expect(await pidsMentioning(agent.marker)).toHaveLength(1);
      channel.end();
      expect(
        await eventually(
          () => pidsMentioning(agent.marker),
          (pids) => pids.length === 0,
        ),
      ).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('falls back to a plain exec with an agent that has no serve', async () => {
    // What an agent from before `serve` prints for it.
    const older = `if [ "$1" = serve ]; then echo '{"event":"error","code":"BAD_REQUEST","message":"unknown command \\"serve\\""}'; exit 2; fi\n`;
    const agent = await agentDir('older', older);
    const s = await session();
    try {
      const runner = remoteAgent('gpu2', s, agent.dir);
      for (let i = 0; i < 3; i++) {
        const status = await agentAnswer(runner, ['status'], StatusLineSchema);
        expect(status).toMatchObject({ event: 'status' });
      }
      // Serve was tried once on this connection, then every call was a plain exec.
      expect(await calls(agent.dir)).toEqual([
        'serve --stdio --json',
        'status --json',
        'status --json',
        'status --json',
      ]);
    } finally {
      await s.close();
    }
  });
});
