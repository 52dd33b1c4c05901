/**
 * A worker's state file that cannot be read is reported with its own code, never taken for a
 * worker that is gone (it was: `list` left it out and `stop` answered "was not running").
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgent, tempHome } from '../../../../scripts/testing/agent-process';

let home: Awaited<ReturnType<typeof tempHome>>;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  home = await tempHome();
  env = { RBEES_HOME: home.home };
  const dir = join(home.home, 'workers');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, 'torn.json'), '{"id": "torn", "pid": 12', { mode: 0o600 });
  await writeFile(join(dir, 'torn.pid'), '12\n', { mode: 0o600 });
  await writeFile(join(dir, 'empty.json'), 'null\n', { mode: 0o600 });
  // Tests run as root, whom no permission stops: a folder in its place fails the read as EACCES
  // does for a user (any error but "no such file").
  await mkdir(join(dir, 'blocked.json'));
});

afterAll(async () => {
  await home?.cleanup();
});

describe('rbees-pool and unreadable worker state', () => {
  it('lists them apart with their code, and logs each on stderr', async () => {
    const list = await runAgent(['worker', 'list', '--json'], env);
    expect(list.code).toBe(0);
    expect(list.last).toMatchObject({ event: 'workers', workers: [], cleaned: [] });
    const unreadable = list.last.unreadable as { code: string; message: string }[];
    expect(unreadable.map((e) => e.code)).toEqual([
      'WORKER_STATE_UNREADABLE',
      'WORKER_STATE_UNREADABLE',
      'WORKER_STATE_UNREADABLE',
    ]);
    const torn = unreadable.find((e) => e.message.startsWith('worker torn:'));
    expect(torn?.message).toMatch(/torn\.json \(not JSON: .*\); its process may still run — stop/);
    expect(unreadable.find((e) => e.message.startsWith('worker empty:'))?.message).toContain(
      'not a worker state (no pid)',
    );
    expect(unreadable.find((e) => e.message.startsWith('worker blocked:'))?.message).toContain(
      'EISDIR',
    );
    expect(list.stderr).toContain(
      `rbees-pool: worker torn: cannot read its state file ${join(home.home, 'workers')}`,
    );
  });

  it('refuses to stop a worker it cannot read, naming the file', async () => {
    const stop = await runAgent(['worker', 'stop', 'torn', '--json'], env);
    expect(stop.code).toBe(1);
    expect(stop.last).toMatchObject({
      event: 'error',
      code: 'WORKER_STATE_UNREADABLE',
      details: { id: 'torn', path: join(home.home, 'workers', 'torn.json') },
    });
    // A worker with no file at all is still a stop that has nothing to do.
    const none = await runAgent(['worker', 'stop', 'nobody', '--json'], env);
    expect(none.last).toMatchObject({ event: 'stopped', id: 'nobody', was_running: false });
  });
});
