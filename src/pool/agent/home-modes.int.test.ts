/**
 * The agent's own $RBEES_HOME on a pool host: its logs and download states are its owner's alone,
 * and a home the installer's `mkdir -p` left 0755 is closed. Through the real CLI.
 */
import { chmod, lstat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels } from '../../../scripts/test-models';
import { signalGroup } from './workers/process-info';
import type { Fixture } from '../../../scripts/testing/download-fixture';
import { startFixture } from '../../../scripts/testing/download-fixture';
import { pidsMentioning, runAgent, tempHome } from '../../../scripts/testing/agent-process';

let home: Awaited<ReturnType<typeof tempHome>>;
let fx: Fixture;

beforeAll(async () => {
  const models = await ensureTestModels();
  home = await tempHome([models.script]);
  fx = await startFixture();
  // As `mkdir -p ~/.rbees/agent` and a user's own models folder leave them.
  await chmod(home.home, 0o755);
  await chmod(home.models, 0o755);
  await writeFile(join(home.models, 'notes.txt'), 'mine\n', { mode: 0o644 });
});

afterAll(async () => {
  for (const pid of await pidsMentioning(home.home)) signalGroup(pid, 'SIGKILL');
  await fx.close();
  await home.cleanup();
});

const mode = async (path: string): Promise<string> =>
  `0${((await lstat(join(home.home, path))).mode & 0o7777).toString(8)}`;

describe('the agent’s home on a pool host', () => {
  it('keeps worker logs 0600 in a 0700 logs folder, and closes its home', async () => {
    const env = { RBEES_HOME: home.home };
    const spawned = await runAgent(
      ['worker', 'spawn', 'cpu', '--model', 'script', '--threads', '1', '--id', 'm1', '--json'],
      env,
    );
    expect(spawned.code).toBe(0);
    expect((await runAgent(['worker', 'stop', 'm1', '--json'], env)).code).toBe(0);
    expect(await mode('.')).toBe('0700');
    expect(await mode('logs')).toBe('0700');
    expect(await mode('logs/worker-m1.log')).toBe('0600');
    expect(await mode('models')).toBe('0755');
    expect(await mode('models/notes.txt')).toBe('0644');
  });

  it('keeps download states and logs 0600 in a 0700 downloads folder', async () => {
    const env = { RBEES_HOME: home.home, HF_ENDPOINT: fx.hf.url };
    const ref = 'hf:test/big::file=big.Q4_0.gguf';
    const started = await runAgent(['models', 'download', ref, '--detach', '--json'], env);
    expect(started.code).toBe(0);
    const id = String(started.last.id);
    const attached = await runAgent(['models', 'download', '--attach', id, '--json'], env);
    expect(attached.last).toMatchObject({ event: 'done' });
    expect(await mode('downloads')).toBe('0700');
    expect(await mode(`downloads/${id}.json`)).toBe('0600');
    expect(await mode(`downloads/${id}.log`)).toBe('0600');
    expect(await mode('models')).toBe('0755');
  });
});
