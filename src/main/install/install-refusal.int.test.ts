/**
 * The installer replaces only rbees' own agent dir (or a missing or empty one), and the same for
 * the `.new` and `.old` beside it: through the daemon's API and `llorch pool install`, against a
 * real sshd host, a directory holding someone's files is refused before anything is sent, and
 * the files are still there. The unpack and the swap decide again on the host as they act, so a
 * directory that appears after the probe is refused too.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPool } from '../../../scripts/testing/pool-fixture';
import type { PoolFixture } from '../../../scripts/testing/pool-fixture';
import type { TestHost } from '../../../scripts/testing/test-hosts';
import { run } from '../../../scripts/testing/test-hosts/proc';
import { API } from '../../shared/api';
import { decodeSse } from '../../shared/sse';
import { jsonLines, runCli } from '../../../scripts/testing/cli-process';
import { SshSession } from '../ssh';
import { hostOptions } from '../../../scripts/testing/ssh-session';
import { agentManifest } from './agent-dir';
import { capture, execWithStdin, swapCommand, unpackCommand } from './remote';

let pool: PoolFixture;
let host: TestHost;
let session: SshSession;
let knownHosts: string;

/** Puts `files` into `~/<name>` on the host, owned by its user (so nothing but the rule stops a removal). */
async function userDir(name: string, files: Record<string, string>): Promise<string> {
  const path = join(host.home, name);
  await mkdir(path, { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(join(path, file), text);
  await run('chown', ['-R', `${host.user}:`, path]);
  return path;
}

async function contents(name: string): Promise<Record<string, string>> {
  const path = join(host.home, name);
  const names = (await readdir(path)).sort();
  const texts = await Promise.all(names.map((n) => readFile(join(path, n), 'utf8')));
  return Object.fromEntries(names.map((n, i) => [n, texts[i] ?? '']));
}

/** The install's SSE events, through the daemon, for a host added with `agentDir`. */
async function installVia(name: string, agentDir: string): Promise<Record<string, unknown>[]> {
  await pool.register(name, host, agentDir);
  const response = await fetch(`${pool.daemon.url}${API.hostInstall(name)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${pool.daemon.token}` },
  });
  expect(response.status).toBe(200);
  const events: Record<string, unknown>[] = [];
  for await (const m of decodeSse(response.body as AsyncIterable<Uint8Array>)) {
    events.push({ event: m.event, ...(JSON.parse(m.data) as Record<string, unknown>) });
  }
  return events;
}

function cliInstall(agentDir: string) {
  return runCli(
    [
      'pool',
      'install',
      '--json',
      '--host',
      `${host.user}@${host.address}:${host.port}`,
      '--identity',
      host.clientKeyPath,
      '--known-hosts',
      join(pool.dir, 'none'),
      '--trust-host-key',
      host.hostKeyFingerprint,
      '--agent-dir',
      agentDir,
    ],
    { RBEES_HOME: join(pool.dir, 'cli-home'), SSH_AUTH_SOCK: '' },
  );
}

const THESIS = { 'chapter1.tex': '\\chapter{Mine}\n', 'notes.md': 'do not delete\n' };
const refused = (path: string) =>
  `${path} holds files that are not rbees' agent, and the install would replace it — ` +
  'nothing was sent or removed. Choose another agent dir, or empty or remove';

beforeAll(async () => {
  pool = await startPool({ hosts: { count: 1 } });
  [host] = pool.hosts as [TestHost];
  knownHosts = await mkdtemp(join(tmpdir(), 'rbees-refusal-'));
  session = new SshSession(hostOptions(host, knownHosts));
  await session.trust(host.hostKeyFingerprint);
}, 120_000);

afterAll(async () => {
  await session?.close();
  await pool?.stop();
  if (knownHosts) await rm(knownHosts, { recursive: true, force: true });
});

describe('an install into a directory that is not rbees’', () => {
  it('is refused by the API before anything is sent, for the dir, its .new and its .old', async () => {
    await userDir('thesis', THESIS);
    await userDir('drafts.new', THESIS);
    await userDir('agent-b', { 'package.json': agentManifest('0.0.1+000000000000') });
    await userDir('agent-b.old', THESIS);
    const cases: [string, string, string][] = [
      ['t1', '~/thesis', '~/thesis'],
      ['t2', '~/drafts', '~/drafts.new'],
      ['t3', '~/agent-b', '~/agent-b.old'],
    ];
    for (const [name, agentDir, path] of cases) {
      const events = await installVia(name, agentDir);
      expect(events.map((e) => e.event)).toEqual(['error']);
      expect(events[0]).toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringContaining(`${name}: ${refused(path)}`) as string,
      });
    }
    expect(await contents('thesis')).toEqual(THESIS);
    expect(await contents('drafts.new')).toEqual(THESIS);
    expect(await contents('agent-b.old')).toEqual(THESIS);
    expect(await readdir(host.home)).not.toContain('drafts');
  }, 120_000);

  it('is refused by llorch pool install the same way', async () => {
    await userDir('paper', THESIS);
    const res = await cliInstall('~/paper');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(refused('~/paper'));
    expect(jsonLines(res.stdout).map((e) => e.event)).toEqual(['error']);
    expect(await contents('paper')).toEqual(THESIS);

    await userDir('paper2.new', THESIS);
    const sibling = await cliInstall('~/paper2');
    expect(sibling.code).toBe(1);
    expect(sibling.stderr).toContain(refused('~/paper2.new'));
    expect(await contents('paper2.new')).toEqual(THESIS);
  }, 120_000);
});

/** A stand-in payload: a gzipped tar of an agent's mark and launcher (the unpack checks both). */
async function tinyPayload() {
  const src = await mkdtemp(join(tmpdir(), 'rbees-tiny-payload-'));
  await writeFile(join(src, 'package.json'), agentManifest('0.0.2+000000000000'));
  await writeFile(join(src, 'rbees-pool'), '#!/bin/sh\necho tiny\n');
  await chmod(join(src, 'rbees-pool'), 0o755);
  const tar = spawn('tar', ['-czf', '-', '-C', src, '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
  tar.once('close', () => void rm(src, { recursive: true, force: true }));
  return tar.stdout;
}

describe('on the host, as the unpack and the swap act', () => {
  it('the swap refuses a live dir that became someone’s after the probe, and its .old', async () => {
    // The probe saw nothing at ~/race; the unpack filled ~/race.new; then ~/race appeared.
    await userDir('race.new', { 'package.json': agentManifest('1') });
    await userDir('race', THESIS);
    const swapped = await capture(session, swapCommand('~/race'));
    expect(swapped).toMatchObject({ code: 86, stdout: 'refused=live' });
    expect(await contents('race')).toEqual(THESIS);

    await userDir('busy', { 'package.json': agentManifest('1') });
    await userDir('busy.new', { 'package.json': agentManifest('2') });
    await userDir('busy.old', THESIS);
    expect(await capture(session, swapCommand('~/busy'))).toMatchObject({
      code: 86,
      stdout: 'refused=old',
    });
    expect(await contents('busy.old')).toEqual(THESIS);
  });

  it('the unpack refuses a .new that is someone’s, and reads nothing of the payload', async () => {
    await userDir('report.new', THESIS);
    const sent = await execWithStdin(session, unpackCommand('~/report'), await tinyPayload());
    expect(sent.result).toMatchObject({ code: 86, stdout: 'refused=new\n' });
    expect(await contents('report.new')).toEqual(THESIS);
  });

  it('sends a payload whose tar is done before the channel opens (Node drops an unread stdout)', async () => {
    const payload = await tinyPayload();
    // The real session, its channel opened only once the local tar has exited.
    const late = Object.create(session) as SshSession;
    late.openChannel = async (command) => {
      await once(payload, 'close').catch(() => undefined);
      return session.openChannel(command);
    };
    const sent = await execWithStdin(late, unpackCommand('~/late'), payload);
    expect(sent.result, sent.result.stderr).toMatchObject({ code: 0 });
    expect((await readdir(join(host.home, 'late.new'))).sort()).toEqual([
      'package.json',
      'rbees-pool',
    ]);
  });

  it('replaces an empty dir, a missing one and an agent', async () => {
    await userDir('empty', {});
    await userDir('agent-c', { 'package.json': agentManifest('1'), 'stale.txt': 'old\n' });
    for (const dir of ['~/empty', '~/absent', '~/agent-c']) {
      const sent = await execWithStdin(session, unpackCommand(dir), await tinyPayload());
      // Its stderr in the message: it failed once in a full run (tar's code 2) and never alone.
      expect(sent.result, `${dir}: ${sent.result.stderr}`).toMatchObject({ code: 0 });
      expect(await capture(session, swapCommand(dir)), dir).toMatchObject({ code: 0 });
    }
    for (const name of ['empty', 'absent', 'agent-c']) {
      expect((await readdir(join(host.home, name))).sort(), name).toEqual([
        'package.json',
        'rbees-pool',
      ]);
    }
    const left = await readdir(host.home);
    for (const name of ['empty', 'absent', 'agent-c']) {
      expect(left).not.toContain(`${name}.new`);
      expect(left).not.toContain(`${name}.old`);
    }
  });
});
