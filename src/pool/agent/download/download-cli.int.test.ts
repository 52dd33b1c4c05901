import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHfStandIn, type HfStandIn } from '../../../../scripts/testing/hf-stand-in';
import { ensureTestModels, type TestModels } from '../../../../scripts/test-models';
import { runAgent, tempHome } from '../../../../scripts/testing/agent-process';

let models: TestModels;
let hf: HfStandIn;
let home: Awaited<ReturnType<typeof tempHome>>;

beforeAll(async () => {
  models = await ensureTestModels();
  hf = await startHfStandIn({
    repos: { 'rbees/test-GGUF': { files: { 'script-Q8_0.gguf': models.script } } },
  });
  home = await tempHome();
});
afterAll(async () => {
  await hf?.stop();
  await home?.cleanup();
});

describe('rbees-pool models download', () => {
  it('downloads by org/repo:QUANT from HF_ENDPOINT, verified, then lists it', async () => {
    const env = { RBEES_HOME: home.home, HF_ENDPOINT: hf.url };
    const run = await runAgent(['models', 'download', 'rbees/test-GGUF:Q8_0', '--json'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.last).toMatchObject({
      event: 'done',
      sha256: hf.sha256('rbees/test-GGUF', 'script-Q8_0.gguf'),
    });
    expect(existsSync(join(home.models, 'script-Q8_0.gguf'))).toBe(true);
    expect(existsSync(join(home.models, 'script-Q8_0.gguf.partial'))).toBe(false);
    const listed = await runAgent(['models', 'list', '--json'], env);
    expect(listed.last).toMatchObject({ event: 'models' });
    expect(JSON.stringify(listed.last)).toContain('"id":"script-Q8_0"');
  });

  it('fails with the exit code and a reason for a file the repo does not have', async () => {
    const env = { RBEES_HOME: home.home, HF_ENDPOINT: hf.url };
    const run = await runAgent(['models', 'download', 'rbees/test-GGUF:Q4_K_M', '--json'], env);
    expect(run.code).toBe(1);
    expect(run.last).toMatchObject({ event: 'error', code: 'MODEL_NOT_FOUND' });
    expect(String(run.last.message)).toContain('script-Q8_0.gguf');
  });

  it('shows its help from the agent', async () => {
    const run = await runAgent(['models', 'download', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('usage: rbees-pool models download <ref>');
  });
});
