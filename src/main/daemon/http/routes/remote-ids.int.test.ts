/**
 * Every id that would reach a pool host's command line is checked by the daemon and the CLI
 * against the agent's own rules before anything is sent: raw HTTP requests (byte-exact paths, no
 * client normalising them) and the real CLI, against a real sshd host whose agent launcher notes
 * every call it gets. A bad id is a 400 naming the field, the value and what is allowed; the
 * agent is never started for it.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPool } from '../../../../../scripts/testing/pool-fixture';
import type { PoolFixture } from '../../../../../scripts/testing/pool-fixture';
import type { TestHost } from '../../../../../scripts/testing/test-hosts';
import { API } from '../../../../shared/api';
import { runCli } from '../../../../../scripts/testing/cli-process';

const HOST = 'gpu';
let pool: PoolFixture;
let host: TestHost;

/** The commands of the routes under test (the monitor runs `status` and `download --list`). */
const ROUTED = /^(models (rm|verify) |worker |models download --(cancel|attach) )/;

/** What the agent launcher was asked to run so far, of those commands. */
async function agentCalls(): Promise<string[]> {
  const text = await readFile(join(pool.agentDir, 'calls.log'), 'utf8');
  return text.split('\n').filter((line) => ROUTED.test(line));
}

interface Answer {
  status: number;
  json: Record<string, unknown>;
}

/** One request with the path sent byte for byte as given. */
function raw(method: string, path: string, body?: unknown): Promise<Answer> {
  const url = new URL(pool.daemon.url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: {
          authorization: `Bearer ${pool.daemon.token}`,
          ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.once('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          }),
        );
      },
    );
    req.once('error', reject);
    req.end(payload);
  });
}

const LONG = 'a'.repeat(2048);
/** Ids, and how a path segment carries them (percent-encoded where a path needs it). */
const BAD_IDS: [string, string][] = [
  ['../x', '..%2Fx'],
  ["'; rm -rf ~'", "'%3B%20rm%20-rf%20~'"],
  ['-rf', '-rf'],
  ['a b', 'a%20b'],
  ['', ''],
  [LONG, LONG],
];

/** A 400 BAD_REQUEST whose message names `field` and what is allowed; returns the message. */
function expectRefused(answer: Answer, field: string): string {
  expect(answer.status).toBe(400);
  const error = answer.json.error as { code: string; message: string; details: unknown };
  expect(error.code).toBe('BAD_REQUEST');
  expect(error.message).toMatch(new RegExp(`(^|Invalid request\\. )${field}: `));
  expect(error.message).toMatch(/ — use /);
  expect(error.details).toMatchObject({ fields: [field] });
  return error.message;
}

beforeAll(async () => {
  pool = await startPool({ hosts: { count: 1 } });
  [host] = pool.hosts as [TestHost];
  await pool.register(HOST, host);
}, 120_000);

afterAll(async () => {
  await pool?.stop();
});

describe('ids on their way to a pool host', () => {
  it.each(BAD_IDS)(
    'refuses the id %j in every route, without calling the agent',
    async (id, seg) => {
      const base = `/api/hosts/${HOST}`;
      const before = await agentCalls();
      const routes: [string, string][] = [
        ['DELETE', `${base}/models/${seg}`],
        ['POST', `${base}/models/${seg}/verify`],
        ['DELETE', `${base}/workers/${seg}`],
        ['GET', `${base}/workers/${seg}/logs?follow=1`],
        ['DELETE', `${base}/downloads/${seg}`],
        ['GET', `${base}/downloads/${seg}/events`],
      ];
      for (const [method, path] of routes) {
        const message = expectRefused(await raw(method, path), 'id');
        // The value as given, cut when long.
        expect(message).toContain(JSON.stringify(id.slice(0, 64)));
      }
      expectRefused(await raw('POST', `${base}/workers`, { model: id, backend: 'cpu' }), 'model');
      expect(await agentCalls()).toEqual(before);
    },
  );

  it('refuses a `lines` count that is not a whole number in range', async () => {
    const before = await agentCalls();
    for (const lines of ['-1', 'abc', '', '1e3', '99999999', '--follow', '1&lines=2']) {
      const path = `${API.hostWorkerLogs(HOST, 'w1')}?lines=${lines}`;
      expectRefused(await raw('GET', path), 'lines');
    }
    expect(await agentCalls()).toEqual(before);
  });

  it('does call the agent for a good id (so the checks above can see a call)', async () => {
    const before = await agentCalls();
    const answer = await raw('DELETE', API.hostModel(HOST, 'no-such-model'));
    expect(answer.status).toBe(404);
    expect((await agentCalls()).slice(before.length)).toEqual(['models rm no-such-model --json']);
  });

  it('refuses an agent_dir that is not a plain absolute or ~/ path when a host is added', async () => {
    const bad = ['~', '/', 'relative/dir', '/a/../b', "~/x'; rm -rf ~'", '~/$(id)', '/a\nb', LONG];
    for (const agentDir of bad) {
      const answer = await raw('POST', API.hosts, {
        name: 'other',
        spec: `${host.user}@${host.address}:${host.port}`,
        agent_dir: agentDir,
      });
      expect(answer.status).toBe(400);
      const error = answer.json.error as { message: string; details: unknown };
      expect(error.message).toContain(`agent_dir: ${JSON.stringify(agentDir.slice(0, 64))}`);
      expect(error.message).toContain('e.g. ~/.rbees/agent');
      expect(error.details).toMatchObject({ fields: ['agent_dir'] });
    }
    const hosts = (await raw('GET', API.hosts)).json.hosts as { name: string }[];
    expect(hosts.map((h) => h.name)).not.toContain('other');
  });
});

describe('ids in llorch pool', () => {
  function reach(extra: string[] = []): string[] {
    return [
      '--host',
      `${host.user}@${host.address}:${host.port}`,
      '--identity',
      host.clientKeyPath,
      '--known-hosts',
      join(pool.dir, 'cli_known_hosts'),
      '--trust-host-key',
      host.hostKeyFingerprint,
      ...extra,
    ];
  }
  const env = (): NodeJS.ProcessEnv => ({
    RBEES_HOME: join(pool.dir, 'cli-home'),
    SSH_AUTH_SOCK: '',
  });

  it('refuses bad ids and agent dirs before connecting, naming the argument and the value', async () => {
    await writeFile(join(pool.dir, 'cli_known_hosts'), '');
    const before = await agentCalls();
    // [command words, arguments]: the connection flags go between (none may follow `--`).
    const cases: [string[], string[], RegExp][] = [
      [['models', 'rm'], ['../x'], /<id> "\.\.\/x" is not a valid model id — use /],
      [['models', 'verify'], ['a b'], /<id> "a b" is not a valid model id/],
      [['worker', 'stop'], ['--', '-rf'], /<id> "-rf" is not a valid worker id/],
      [['worker', 'logs'], ["'; rm -rf ~'"], /<id> "'; rm -rf ~'" is not a valid worker id/],
      [['worker', 'logs'], [LONG], /<id> "a{64}"… \(2048 characters\) is not a valid worker id/],
      [['worker', 'spawn'], ['cpu', '--model', ''], /--model "" is not a valid model id/],
      [['worker', 'spawn'], ['cpu', '--model', 'm', '--id', '../w'], /--id "\.\.\/w" is not/],
    ];
    for (const [words, args, message] of cases) {
      const run = await runCli(
        ['pool', ...words, ...reach(['--agent-dir', pool.agentDir]), ...args],
        env(),
      );
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    for (const agentDir of ['relative', '~', "~/a'b", '/x/../y']) {
      const run = await runCli(['pool', 'status', ...reach(['--agent-dir', agentDir])], env());
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        `--agent-dir ${JSON.stringify(agentDir)} is not a valid agent dir`,
      );
    }
    const viaEnv = await runCli(['pool', 'status', ...reach()], {
      ...env(),
      RBEES_AGENT_DIR: 'x',
    });
    expect(viaEnv.code).toBe(2);
    expect(viaEnv.stderr).toContain('RBEES_AGENT_DIR "x" is not a valid agent dir');
    // Not even a connection: no key was trusted, no agent call made.
    expect(await readFile(join(pool.dir, 'cli_known_hosts'), 'utf8')).toBe('');
    expect(await readdir(pool.dir)).not.toContain('cli-home');
    expect(await agentCalls()).toEqual(before);
  }, 120_000);
});
