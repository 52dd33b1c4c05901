/** `rbees-pool git pull` on a real checkout (a clone of a local upstream) and on a plain folder. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgent } from '../../../../scripts/testing/agent-process';

let root: string;
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.invalid',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.invalid',
    },
  }).trim();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'rbees-self-update-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('rbees-pool git pull / self-update', () => {
  it('fast-forwards a checkout and relays git output as JSON lines', async () => {
    const upstream = join(root, 'upstream');
    git(root, 'init', '-q', '-b', 'main', upstream);
    await writeFile(join(upstream, 'a.txt'), 'one\n');
    git(upstream, 'add', '.');
    git(upstream, 'commit', '-q', '-m', 'one');
    const agent = join(root, 'agent');
    git(root, 'clone', '-q', upstream, agent);
    const before = git(agent, 'rev-parse', 'HEAD');
    await writeFile(join(upstream, 'b.txt'), 'two\n');
    git(upstream, 'add', '.');
    git(upstream, 'commit', '-q', '-m', 'two');
    const after = git(upstream, 'rev-parse', 'HEAD');

    const run = await runAgent(['git', 'pull', '--json'], { RBEES_AGENT_DIR: agent });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.last).toEqual({ event: 'updated', dir: agent, before, after });
    expect(run.lines.slice(0, -1).every((l) => l.event === 'output')).toBe(true);
    expect(run.lines.some((l) => /Fast-forward/.test(String(l.line)))).toBe(true);
    expect(git(agent, 'rev-parse', 'HEAD')).toBe(after);

    const again = await runAgent(['self-update'], { RBEES_AGENT_DIR: agent });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already up to date at [0-9a-f]{12}\n$/);
  });

  it('fails, pointing at rbees-ctl pool install, when the agent is not a checkout', async () => {
    const plain = await mkdtemp(join(root, 'plain-'));
    const run = await runAgent(['self-update', '--json'], { RBEES_AGENT_DIR: plain });
    expect(run.code).toBe(1);
    expect(run.last).toMatchObject({ event: 'error', code: 'BAD_REQUEST' });
    expect(run.stderr).toBe(
      `rbees-pool: ${plain} is not a git checkout: this agent is updated by \`rbees-ctl pool install\` from the controlling machine\n`,
    );
  });

  it("fails with git's words when the pull cannot fast-forward", async () => {
    const upstream = join(root, 'upstream');
    const agent = join(root, 'agent');
    await writeFile(join(agent, 'local.txt'), 'local\n');
    git(agent, 'add', '.');
    git(agent, 'commit', '-q', '-m', 'local');
    await writeFile(join(upstream, 'c.txt'), 'three\n');
    git(upstream, 'add', '.');
    git(upstream, 'commit', '-q', '-m', 'three');
    const run = await runAgent(['git', 'pull', '--json'], { RBEES_AGENT_DIR: agent });
    expect(run.code).toBe(1);
    expect(run.last).toMatchObject({ event: 'error', code: 'INTERNAL' });
    expect(run.lines.some((l) => l.event === 'output' && l.stream === 'stderr')).toBe(true);
  });
});
