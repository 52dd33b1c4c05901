/** `rbees-pool models …` end to end on generated GGUF models in a temporary RBEES_HOME. */
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels } from '../../../../scripts/test-models';
import { runAgent, tempHome } from '../../../../scripts/testing/agent-process';
import type { ModelFit } from '../../../shared/pool-status';

let home: Awaited<ReturnType<typeof tempHome>>;
let env: NodeJS.ProcessEnv;
let scriptSha: string;

beforeAll(async () => {
  const models = await ensureTestModels();
  home = await tempHome([models.tiny, models.script]);
  env = { RBEES_HOME: home.home };
  await writeFile(join(home.models, 'notes.gguf'), 'these are my notes, not a model\n');
  await writeFile(join(home.models, 'README.txt'), 'not a model either, and not listed\n');
  scriptSha = createHash('sha256')
    .update(await readFile(models.script))
    .digest('hex');
});

afterAll(async () => {
  await home.cleanup();
});

describe('rbees-pool models', () => {
  it('lists the GGUF files with their header facts, and a non-GGUF with an error', async () => {
    const run = await runAgent(['models', 'list', '--json'], env);
    expect(run.code).toBe(0);
    expect(run.lines).toHaveLength(1);
    expect(run.last).toMatchObject({ event: 'models', models_dir: home.models });
    const models = run.last.models as Record<string, unknown>[];
    expect(models.map((m) => m.id)).toEqual(['notes', 'script', 'tiny']);
    expect(models[0]).toMatchObject({
      id: 'notes',
      size_bytes: 32,
      error: expect.stringMatching(/^not a readable GGUF file: /) as string,
    });
    expect(models[1]).toMatchObject({
      id: 'script',
      path: join(home.models, 'script.gguf'),
      architecture: 'llama',
      name: 'script',
      file_type: 'ALL_F32',
      context_length: 4096,
      size_bytes: 2388032,
    });
    expect(models[1]).not.toHaveProperty('error');
    // What it needs, by node-llama-cpp's estimate: per context, from 256 to the trained 4096.
    const fit = models[1]?.fit as ModelFit;
    expect(fit).toMatchObject({ slots: 1, default_ctx: 2048 });
    expect(fit.points.map((p) => p.ctx)).toEqual([256, 512, 1024, 2048, 4096]);
    expect(fit.points[0]?.cpu_ram_bytes).toBeGreaterThan(2388032 * 0.98);
    expect(models[0]).not.toHaveProperty('fit');
    expect(Date.parse(String(models[1]?.modified_at))).toBeGreaterThan(0);

    const human = await runAgent(['models', 'list'], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^script +2\.3 MiB +llama, ALL_F32, ctx 4096$/m);
    expect(human.stdout).toMatch(
      /^script .*\n {2}needs [\d.]+ MiB VRAM \+ [\d.]+ MiB RAM on a GPU, [\d.]+ MiB RAM on the CPU \(context 2048, 1 slot\(s\)\)$/m,
    );
    expect(human.stdout).toMatch(/^notes +32 B +ERROR not a readable GGUF file/m);
  });

  it('verifies a hash given on the command line: right exits 0, wrong exits 1', async () => {
    const none = await runAgent(['models', 'verify', 'script', '--json'], env);
    expect(none.code).toBe(0);
    expect(none.last).toEqual({
      event: 'verified',
      id: 'script',
      sha256: scriptSha,
      expected: [],
      match: null,
    });

    const right = await runAgent(
      ['models', 'verify', 'script', '--sha256', scriptSha.toUpperCase(), '--json'],
      env,
    );
    expect(right.code).toBe(0);
    expect(right.last).toMatchObject({
      event: 'verified',
      match: true,
      expected: [{ source: 'argument', sha256: scriptSha }],
    });

    const wrong = await runAgent(
      ['models', 'verify', 'script', '--sha256', '0'.repeat(64), '--json'],
      env,
    );
    expect(wrong.code).toBe(1);
    expect(wrong.last).toMatchObject({
      event: 'error',
      code: 'CHECKSUM_MISMATCH',
      details: { sha256: scriptSha },
    });
    expect(wrong.stderr).toContain(
      `SHA-256 is ${scriptSha} but the argument says ${'0'.repeat(64)}`,
    );
  });

  it('verifies against a sha256sum-style sidecar', async () => {
    const sidecar = join(home.models, 'tiny.gguf.sha256');
    const tinySha = createHash('sha256')
      .update(await readFile(join(home.models, 'tiny.gguf')))
      .digest('hex');
    await writeFile(sidecar, `${tinySha}  tiny.gguf\n`);
    const right = await runAgent(['models', 'verify', 'tiny'], env);
    expect(right.code).toBe(0);
    expect(right.stdout).toBe(`${tinySha}  tiny OK\n`);
    await writeFile(sidecar, `${'a'.repeat(64)}\n`);
    const wrong = await runAgent(['models', 'verify', 'tiny', '--json'], env);
    expect(wrong.code).toBe(1);
    expect(wrong.last).toMatchObject({
      code: 'CHECKSUM_MISMATCH',
      details: { expected: [{ source: 'sidecar' }] },
    });
  });

  it('refuses a sidecar it cannot read rather than verifying without it', async () => {
    const sidecar = join(home.models, 'script.gguf.sha256');
    await mkdir(sidecar); // unreadable as a file, even to root (EISDIR, as EACCES for a user)
    try {
      const run = await runAgent(['models', 'verify', 'script', '--json'], env);
      expect(run.code).toBe(1);
      expect(run.last).toMatchObject({ code: 'BAD_REQUEST', details: { path: sidecar } });
      expect(String(run.last.message)).toMatch(/cannot read the checksum beside the model/);
    } finally {
      await rm(sidecar, { recursive: true });
    }
  });

  it('removes a model with its sidecar; an unknown id is MODEL_NOT_FOUND listing what is there', async () => {
    await writeFile(join(home.models, 'notes.gguf.sha256'), `${'b'.repeat(64)}\n`);
    const run = await runAgent(['models', 'rm', 'notes', '--json'], env);
    expect(run.code).toBe(0);
    expect(run.last).toEqual({
      event: 'removed',
      id: 'notes',
      path: join(home.models, 'notes.gguf'),
    });
    await expect(access(join(home.models, 'notes.gguf'))).rejects.toThrow();
    await expect(access(join(home.models, 'notes.gguf.sha256'))).rejects.toThrow();

    const again = await runAgent(['models', 'rm', 'notes', '--json'], env);
    expect(again.code).toBe(1);
    expect(again.last).toMatchObject({
      event: 'error',
      code: 'MODEL_NOT_FOUND',
      details: { present: ['script', 'tiny'] },
    });
    expect(again.stderr).toMatch(
      /^rbees-pool: model "notes" is not in .*models; present: script, tiny — /,
    );
  });
});
