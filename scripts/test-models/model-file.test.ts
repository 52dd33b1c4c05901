import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureModelFile } from './model-file';
import { TEST_MODELS } from './standard-models';

const dir = await mkdtemp(join(tmpdir(), 'model-file-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('ensureModelFile', () => {
  it('writes once, then reuses the file while the params are the same', async () => {
    const first = await ensureModelFile(dir, TEST_MODELS.tiny);
    expect(first).toMatchObject({ path: join(dir, 'tiny.gguf'), written: true });
    const second = await ensureModelFile(dir, TEST_MODELS.tiny);
    expect(second).toMatchObject({ written: false, bytes: first.bytes });
    expect(await ensureModelFile(dir, { ...TEST_MODELS.tiny, seed: 9 })).toMatchObject({
      written: true,
    });
    expect((await readdir(dir)).sort()).toEqual(['tiny.gguf', 'tiny.params.json']);
  });

  it('rewrites a file whose sidecar is missing or different', async () => {
    await writeFile(join(dir, 'script.gguf'), 'half a file');
    const { written, bytes } = await ensureModelFile(dir, TEST_MODELS.script);
    expect(written).toBe(true);
    expect(bytes).toBeGreaterThan(1e6);
  });
});
