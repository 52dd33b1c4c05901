/**
 * `models list` keeps what it learnt of a file while the file is unchanged, across one-shot runs
 * (this computer's agent is one process per call): through the real CLI in a temporary home.
 */
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels } from '../../../../scripts/test-models';
import { runAgent, tempHome } from '../../../../scripts/testing/agent-process';
import type { ModelDetails } from '../../../shared/pool-status';

let home: Awaited<ReturnType<typeof tempHome>>;
let env: NodeJS.ProcessEnv;
let cacheFile: string;

beforeAll(async () => {
  const models = await ensureTestModels();
  home = await tempHome([models.tiny]);
  env = { RBEES_HOME: home.home };
  cacheFile = join(home.home, 'cache', 'model-facts.json');
});

afterAll(async () => {
  await home.cleanup();
});

async function list(): Promise<{ tiny: ModelDetails | undefined; stderr: string }> {
  const run = await runAgent(['models', 'list', '--json'], env);
  expect(run.code, run.stderr).toBe(0);
  const models = run.last.models as ModelDetails[];
  return { tiny: models.find((m) => m.id === 'tiny'), stderr: run.stderr };
}

/** Marks the cached answer so that a listing from the cache can be told from a fresh one. */
async function markCached(): Promise<void> {
  const text = await readFile(cacheFile, 'utf8');
  await writeFile(cacheFile, text.replace('"architecture":"llama"', '"architecture":"cached"'));
}

describe('models list facts cache', () => {
  it('answers an unchanged file from the cache, owner-only, and reads a changed one again', async () => {
    const first = await list();
    expect(first.tiny).toMatchObject({ architecture: 'llama', fit: { default_ctx: 2048 } });
    expect((await stat(cacheFile)).mode & 0o777).toBe(0o600);

    await markCached();
    const cached = await list();
    expect(cached.tiny).toMatchObject({ architecture: 'cached' });
    expect(cached.tiny?.fit).toEqual(first.tiny?.fit);

    // A new modification time is a new file: its header is read again.
    const later = new Date(Date.now() + 5000);
    await utimes(join(home.models, 'tiny.gguf'), later, later);
    expect((await list()).tiny).toMatchObject({ architecture: 'llama' });
  });

  it('estimates again after an upgrade (another key), and rewrites a damaged cache with a warning', async () => {
    await list();
    await markCached();
    const text = await readFile(cacheFile, 'utf8');
    await writeFile(cacheFile, text.replace(/"key":"[^"]*"/, '"key":"0/node-llama-cpp@0.0.0"'));
    expect((await list()).tiny).toMatchObject({ architecture: 'llama' });

    await writeFile(cacheFile, '{ not json');
    const damaged = await list();
    expect(damaged.tiny).toMatchObject({ architecture: 'llama' });
    expect(damaged.stderr).toMatch(/model-facts\.json is not JSON; it will be rewritten/);
    expect(JSON.parse(await readFile(cacheFile, 'utf8'))).toHaveProperty('entries');
  });
});
