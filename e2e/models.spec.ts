/**
 * The Models view against a real pool host (OpenSSH test host running the built agent) and the
 * Hugging Face stand-in: lists per host with GGUF facts and fit, downloads with progress that
 * survive a cut transfer, cancel and retry (resume), delete with a confirmation.
 */
import type { Locator, Page } from '@playwright/test';
import type { DaemonProcess } from '../scripts/testing/daemon-process';
import type { HfStandIn } from '../scripts/testing/hf-stand-in';
import { startPool, type PoolFixture } from '../scripts/testing/pool-fixture';
import type { TestHost } from '../scripts/testing/test-hosts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSparseModel } from '../scripts/test-models';
import { API } from '../src/shared/api';
import { expect, shots, test } from './fixtures';

const REPO = 'TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF';
const SMALL_FILE = 'tinyllama-1.1b-chat-v1.0.Q8_0.gguf'; // the "script" model, ~2.4 MB
const SMALL_MODEL = 'tinyllama-1.1b-chat-v1.0.Q8_0';
const BIG_FILE = 'tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf'; // the slow script model, ~110 MB
const BIG_MODEL = 'tinyllama-1.1b-chat-v1.0.Q4_K_M';
const HOST = 'gpu1';
const KiB = 1024;

let pool: PoolFixture;
let hf: HfStandIn;
let daemon: DaemonProcess;
let sparseDir: string;

test.describe.configure({ mode: 'serial' });
// Tall enough for both hosts' sections in one screenshot.
test.use({ viewport: { width: 1280, height: 1280 } });

test.beforeAll(async ({ models }) => {
  test.setTimeout(180_000);
  // A 70B-shaped model on paper (~73 GB, a sparse file): far more than this computer's RAM.
  sparseDir = await mkdtemp(join(tmpdir(), 'rbees-e2e-sparse-'));
  const big = join(sparseDir, 'llama-70b.gguf');
  await writeSparseModel(big, {
    ...{ vocab: 32000, embd: 8192, layers: 80, heads: 64, headsKv: 8, ff: 28672 },
    ...{ ctx: 131072, quant: 'q8_0', name: 'llama-70b' },
  });
  pool = await startPool({
    hosts: { count: 1, fakeNvidiaSmi: { 0: 'h200-idle' } },
    hfRepos: { [REPO]: { files: { [SMALL_FILE]: models.script, [BIG_FILE]: models.scriptSlow } } },
    daemon: {
      models: [
        { path: models.script, as: 'script.gguf' },
        { path: models.tiny, as: 'tiny.gguf' },
        { path: big, as: 'llama-70b.gguf' },
      ],
    },
  });
  ({ daemon } = pool);
  hf = pool.hf as HfStandIn;
  await pool.register(HOST, pool.hosts[0] as TestHost);
});

test.afterAll(async () => {
  hf?.setThrottle(undefined);
  await pool?.stop();
  if (sparseDir) await rm(sparseDir, { recursive: true, force: true });
});

async function openModels(page: Page): Promise<void> {
  await page.goto(daemon.openUrl);
  await page.getByRole('button', { name: 'Models', exact: true }).click();
  await expect(page.getByTestId('models-view')).toBeVisible();
}

const section = (page: Page, name: string): Locator =>
  page.locator(`[data-testid="host-models"][data-host="${name}"]`);

const downloadRow = (scope: Locator, file: string): Locator =>
  scope.getByTestId('download-row').filter({ hasText: file });

test('lists each host: the remote host empty, this computer with its models and facts', async ({
  page,
}) => {
  await openModels(page);
  const remote = section(page, HOST);
  await expect(remote.getByTestId('host-models-empty')).toContainText(`No models on ${HOST} yet`);
  const local = section(page, 'local');
  await expect(local.getByRole('heading', { name: 'This computer' })).toBeVisible();
  const script = local.locator('[data-testid="model-row"][data-model="script"]');
  await expect(script).toContainText('llama');
  await expect(script.getByTestId('model-fit')).toHaveAttribute('aria-label', /^Estimate: /);
  // node-llama-cpp's numbers, from this computer's agent: RAM at the default context, and the
  // largest context that fits (all of it, 4K, for a 2.4 MB model).
  await expect(script.getByTestId('model-need')).toHaveText(/^\d+(\.\d+)? MB RAM at 2K ctx$/);
  await expect(script.locator('.fit-chip')).toHaveText('CPU ✓up to 4K');
  await expect(local.locator('[data-testid="model-row"][data-model="tiny"]')).toBeVisible();
  const big = local.locator('[data-testid="model-row"][data-model="llama-70b"]');
  await expect(big.getByTestId('model-fit')).toHaveAttribute(
    'aria-label',
    'Estimate: does not fit CPU',
  );
  await expect(big.getByTestId('model-need')).toHaveText(/^7\d\.\d GB RAM at 2K ctx$/);
  // The fake nvidia-smi reports an idle H200: a 2 MB model fits its GPU 0.
  await expect(remote.getByRole('textbox', { name: /Model reference/ })).toBeVisible();
  await shots(page, 'models-overview');
});

test('downloads to the host with visible progress, survives a cut transfer, lists the model', async ({
  page,
}) => {
  await openModels(page);
  const remote = section(page, HOST);
  hf.setThrottle(384 * KiB); // ~6 s for the file: slow enough to watch
  hf.cutNext(1024 * KiB);
  try {
    await remote.getByLabel('Model reference').fill(`hf:${REPO}::file=${SMALL_FILE}`);
    await remote.getByRole('button', { name: 'Download', exact: true }).click();
    const row = downloadRow(remote, SMALL_FILE);
    await expect(row).toHaveAttribute('data-state', 'running');
    await expect(row.getByTestId('download-stats')).toContainText(/\b[1-9]\d?%/);
    await expect(row.getByTestId('download-stats')).toContainText(/of 2\.\d+ MB/);
    await shots(page, 'models-downloading', remote);
    await expect(row).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  } finally {
    hf.setThrottle(undefined);
  }
  // The cut transfer was picked up where it stopped: a ranged request followed.
  expect(hf.requests.some((r) => typeof r.headers.range === 'string')).toBe(true);
  const model = remote.locator(`[data-testid="model-row"][data-model="${SMALL_MODEL}"]`);
  await expect(model).toContainText('llama');
  await expect(model).toContainText('2.39 MB');
  await expect(model.getByTestId('model-fit')).toHaveAttribute(
    'aria-label',
    'Estimate: fits GPU 0',
  );
  await expect(model.getByTestId('model-need')).toHaveText(/^\d+(\.\d+)? MB VRAM at 2K ctx$/);
  await expect(model.locator('.fit-chip')).toHaveAttribute('data-max-ctx', '4096');
  await expect(remote.getByTestId('host-models-empty')).toHaveCount(0);
  await shots(page, 'models-downloaded', remote);
});

test('cancels a download midway, then Retry resumes it to the end', async ({ page }) => {
  await openModels(page);
  const remote = section(page, HOST);
  hf.setThrottle(1024 * KiB);
  const row = downloadRow(remote, BIG_FILE);
  try {
    await remote.getByLabel('Model reference').fill(`hf:${REPO}::file=${BIG_FILE}`);
    await remote.getByRole('button', { name: 'Download', exact: true }).click();
    await expect(row).toHaveAttribute('data-state', 'running');
    await expect(row.getByTestId('download-stats')).toContainText(/left/);
    await row.getByRole('button', { name: 'Cancel' }).click();
    await expect(row).toHaveAttribute('data-state', 'cancelled');
    await expect(row).toContainText('Cancelled at');
  } finally {
    hf.setThrottle(undefined);
  }
  await expect(remote.locator(`[data-model="${BIG_MODEL}"]`)).toHaveCount(0);
  await shots(page, 'models-cancelled', remote);
  const ranged = hf.requests.filter((r) => typeof r.headers.range === 'string').length;
  await row.getByRole('button', { name: 'Retry' }).click();
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  expect(hf.requests.filter((r) => typeof r.headers.range === 'string').length).toBeGreaterThan(
    ranged,
  );
  await expect(
    remote.locator(`[data-testid="model-row"][data-model="${BIG_MODEL}"]`),
  ).toBeVisible();
});

test('deletes a model after a confirmation naming it and its host', async ({ page }) => {
  await openModels(page);
  const remote = section(page, HOST);
  const model = remote.locator(`[data-testid="model-row"][data-model="${BIG_MODEL}"]`);
  await model.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog', { name: `Delete ${BIG_MODEL} from ${HOST}?` });
  await expect(dialog).toBeVisible();
  await shots(page, 'models-delete-dialog');
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(model).toHaveCount(0);
  await expect(
    remote.locator(`[data-testid="model-row"][data-model="${SMALL_MODEL}"]`),
  ).toBeVisible();
  const listed = await daemon.call('GET', API.hostModels(HOST));
  expect((listed.json.models as { id: string }[]).map((m) => m.id)).toEqual([SMALL_MODEL]);
});
