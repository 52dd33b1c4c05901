/**
 * The whole homelab story of issue 4, in one browser session against two real OpenSSH hosts:
 * host A with a fake nvidia-smi printing the real H200 fixture, host B without a GPU. Each step
 * leaves screenshots (light and dark) in test-results/screenshots/story-*.png.
 */
import { readFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { ensureTestModels } from '../scripts/test-models';
import type { TestModels } from '../scripts/test-models';
import { startPool } from '../scripts/testing/pool-fixture';
import type { PoolFixture } from '../scripts/testing/pool-fixture';
import type { TestHost } from '../scripts/testing/test-hosts';
import { API } from '../src/shared/api';
import { expect, shot, test } from './fixtures';

const REPO = 'TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF';
const FILE = 'tinyllama-1.1b-chat-v1.0.Q8_0.gguf'; // the "script" model: an exact reply
const MODEL = 'tinyllama-1.1b-chat-v1.0.Q8_0';
const A = 'gpu-a';
const B = 'cpu-b';
const KiB = 1024;

let pool: PoolFixture;
let models: TestModels;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  models = await ensureTestModels();
  pool = await startPool({
    hosts: { count: 2, fakeNvidiaSmi: { 0: 'h200-idle' } },
    hfRepos: { [REPO]: { files: { [FILE]: models.script } } },
  });
});

test.afterAll(async () => {
  // Whatever the story left running on the hosts goes with them.
  for (const host of [A, B]) {
    const listed = await pool?.daemon.call('GET', API.hostWorkers(host)).catch(() => undefined);
    for (const w of (listed?.json.workers as { id: string }[] | undefined) ?? []) {
      await pool.daemon.call('DELETE', API.hostWorker(host, w.id));
    }
  }
  await pool?.stop();
});

/** The page now, light and dark. */
async function shots(page: Page, name: string, focus?: Locator): Promise<void> {
  await focus?.scrollIntoViewIfNeeded();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: shot(`story-${name}-${scheme}`), animations: 'disabled' });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

const nav = (page: Page, view: string) => page.getByTestId(`nav-${view.toLowerCase()}`).click();
const card = (page: Page, name: string): Locator =>
  page.locator(`[data-testid="host-card"][data-host="${name}"]`);
const modelsOf = (page: Page, name: string): Locator =>
  page.locator(`[data-testid="host-models"][data-host="${name}"]`);

async function addHost(page: Page, name: string, host: TestHost, agentDir?: string) {
  await page.getByRole('button', { name: 'Add host' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add host' });
  await dialog.getByLabel('SSH host').fill(`${host.user}@${host.address}:${host.port}`);
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Identity file').fill(host.clientKeyPath);
  if (agentDir) await dialog.getByLabel('Agent folder').fill(agentDir);
  await dialog.getByRole('button', { name: 'Add and connect' }).click();
  await expect(dialog).toBeHidden();
}

async function trust(page: Page, host: TestHost, screenshot?: string) {
  const dialog = page.getByRole('dialog', { name: 'Trust host key' });
  await expect(dialog.getByTestId('host-fingerprint')).toHaveText(host.hostKeyFingerprint);
  if (screenshot) await shots(page, screenshot);
  await dialog.getByRole('button', { name: 'Trust', exact: true }).click();
  await expect(dialog).toBeHidden();
}

/** Drops `files` (name → bytes) on a drop zone the way a file manager would. */
async function drop(page: Page, zone: Locator, files: Record<string, Buffer>) {
  const encoded = Object.fromEntries(
    Object.entries(files).map(([n, b]) => [n, b.toString('base64')]),
  );
  const dataTransfer = await page.evaluateHandle((all) => {
    // The page's DataTransfer and File, typed by hand: the e2e project has no DOM types.
    const g = globalThis as unknown as {
      DataTransfer: new () => { items: { add: (file: unknown) => void } };
      File: new (parts: Uint8Array[], name: string) => unknown;
    };
    const transfer = new g.DataTransfer();
    for (const [name, data] of Object.entries(all)) {
      transfer.items.add(new g.File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name));
    }
    return transfer;
  }, encoded);
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
}

test('a homelab owner sets up two hosts, downloads, installs, serves, chats and recovers', async ({
  page,
}) => {
  test.setTimeout(900_000);
  await page.setViewportSize({ width: 1440, height: 960 });
  const [hostA, hostB] = pool.hosts as [TestHost, TestHost];
  const { daemon, hf } = pool;
  if (!hf) throw new Error('no HF stand-in');

  // 1. Open the app; add A; its unknown key is shown with OpenSSH's fingerprint; trust it; it
  //    comes online without an agent; install the agent from the card, watching its steps.
  await page.goto(daemon.openUrl);
  await nav(page, 'Hosts');
  await shots(page, '1-start');
  await addHost(page, A, hostA);
  await trust(page, hostA, '1-trust');
  const a = card(page, A);
  await expect(a).toHaveAttribute('data-state', 'online');
  await expect(a.getByTestId('host-notice')).toContainText('Agent not installed');
  await shots(page, '1-agent-missing');
  await a.getByRole('button', { name: 'Install agent' }).click();
  const install = page.getByRole('dialog', { name: `Install agent on ${A}` });
  await expect(
    install.getByRole('list', { name: 'Install steps' }).locator('li').first(),
  ).toBeVisible();
  await shots(page, '1-installing');
  await expect(install.locator('.install-result')).toHaveAttribute('data-state', 'done', {
    timeout: 300_000,
  });
  await shots(page, '1-installed');
  await install.getByRole('button', { name: 'Close' }).click();
  await expect(a.getByTestId('host-notice')).toContainText('Agent ready', { timeout: 30_000 });
  // B gets the launcher agent (the same build, without packing it a second time).
  await addHost(page, B, hostB, pool.agentDir);
  await trust(page, hostB);
  const b = card(page, B);
  await expect(b).toHaveAttribute('data-state', 'online');
  await expect(b.getByTestId('host-notice')).toContainText('Agent ready');

  // 2. A's GPU is the H200 of the fixture; B has none.
  await nav(page, 'GPUs');
  const gpu = page.getByTestId('gpu-card');
  await expect(gpu).toHaveCount(1);
  await expect(gpu).toContainText('NVIDIA H200');
  await expect(gpu).toContainText('151 GB'); // 143771 MiB in decimal units
  await expect(page.getByRole('article', { name: `${B}: no GPU` })).toContainText(
    `No GPU found on ${B}`,
  );
  await shots(page, '2-gpus');

  // 3. Download a model to A from the HF stand-in; the transfer is cut once and resumes.
  await nav(page, 'Models');
  const onA = modelsOf(page, A);
  hf.setThrottle(384 * KiB);
  hf.cutNext(1024 * KiB);
  try {
    await onA.getByLabel('Model reference').fill(`hf:${REPO}::file=${FILE}`);
    await onA.getByRole('button', { name: 'Download', exact: true }).click();
    const row = onA.getByTestId('download-row').filter({ hasText: FILE });
    await expect(row).toHaveAttribute('data-state', 'running');
    await expect(row.getByTestId('download-stats')).toContainText(/\b[1-9]\d?%/);
    await shots(page, '3-downloading', onA);
    await expect(row).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  } finally {
    hf.setThrottle(undefined);
  }
  expect(hf.requests.some((r) => typeof r.headers.range === 'string')).toBe(true);
  await expect(onA.locator(`[data-testid="model-row"][data-model="${MODEL}"]`)).toContainText(
    'llama',
  );
  await shots(page, '3-downloaded', onA);

  // 4. Drop a GGUF file on B's card: it uploads and is listed with its header facts. A file that
  //    is not GGUF is refused before anything is sent.
  await nav(page, 'Hosts');
  const zoneB = page.getByRole('region', { name: `Drop GGUF files to install on ${B}` });
  await expect(zoneB).toBeVisible();
  await drop(page, zoneB, { 'tiny-dropped.gguf': readFileSync(models.tiny) });
  const uploaded = zoneB.getByTestId('upload-row').filter({ hasText: 'tiny-dropped.gguf' });
  await expect(uploaded).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await drop(page, zoneB, { 'notes.gguf': Buffer.from('these are my notes, not a model\n') });
  const refused = zoneB.getByTestId('upload-row').filter({ hasText: 'notes.gguf' });
  await expect(refused).toHaveAttribute('data-state', 'refused');
  await expect(refused).toContainText('not a GGUF model');
  await shots(page, '4-dropped', zoneB);
  const onB = await daemon.call('GET', API.hostModels(B));
  expect((onB.json.models as { id: string }[]).map((m) => m.id)).toEqual(['tiny-dropped']);
  await nav(page, 'Models');
  await expect(
    modelsOf(page, B).locator('[data-testid="model-row"][data-model="tiny-dropped"]'),
  ).toContainText('llama');
  await shots(page, '4-models', modelsOf(page, B));

  // 5. Spawn a worker for the model on A; its logs stream into the log view.
  await nav(page, 'Workers');
  await page.getByRole('button', { name: 'Spawn worker' }).click();
  const spawn = page.getByRole('dialog', { name: 'Spawn worker' });
  await spawn.getByLabel('Host', { exact: true }).selectOption(A);
  await spawn.getByLabel('Model', { exact: true }).selectOption(MODEL);
  await spawn.getByLabel('Backend', { exact: true }).selectOption('cpu');
  await spawn.getByLabel('CPU threads', { exact: true }).fill('1');
  await spawn.getByRole('button', { name: 'Spawn', exact: true }).click();
  await expect(spawn).toBeHidden({ timeout: 120_000 });
  const worker = page.locator(`[data-testid="worker-row"][data-host="${A}"]`);
  await expect(worker).toHaveAttribute('data-state', 'ready');
  await worker.getByRole('button', { name: 'Logs', exact: true }).click();
  const logs = page.getByTestId('logs-panel').getByTestId('log-viewer');
  await expect(logs.getByTestId('log-line').filter({ hasText: 'serving' })).toBeVisible();
  await shots(page, '5-worker-logs');

  // 6. Chat with it: the exact scripted reply streams in, tagged with host A.
  await nav(page, 'Chat');
  await page.getByRole('combobox', { name: 'Model' }).selectOption(MODEL);
  await page.getByLabel('Message').fill('Hello from the homelab!');
  await page.getByRole('button', { name: 'Send' }).click();
  const reply = page.getByTestId('message-assistant').last();
  await expect(reply).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(reply).toContainText(models.scriptText);
  await expect(reply.getByTestId('reply-stats')).toContainText(A);
  await shots(page, '6-chat');

  // 7. Cut B's link: it shows offline with a reason; restored, it comes back by itself.
  await nav(page, 'Hosts');
  await hostB.setLink(false);
  try {
    await expect(b).toHaveAttribute('data-state', /offline|reconnecting/, { timeout: 60_000 });
    await expect(b.getByTestId('host-notice')).toContainText(/no answer|lost|connect/i);
    await shots(page, '7-offline', b);
  } finally {
    await hostB.setLink(true);
  }
  await expect(b).toHaveAttribute('data-state', 'online', { timeout: 90_000 });
  await shots(page, '7-back', b);

  // 8. The worker list now shows the speed of that reply; stop the worker.
  await nav(page, 'Workers');
  await expect(worker.getByTestId('worker-rate')).toHaveText(/^\d/);
  await worker.getByRole('button', { name: 'Stop', exact: true }).click();
  await page
    .getByRole('dialog', { name: /^Stop / })
    .getByRole('button', { name: 'Stop worker' })
    .click();
  await expect(worker).toHaveCount(0, { timeout: 30_000 });
  await shots(page, '8-stopped');
  const left = await daemon.call('GET', API.hostWorkers(A));
  expect(left.json.workers).toEqual([]);

  // Every view at the end of the story.
  for (const view of ['Hosts', 'GPUs', 'Models', 'Workers', 'Chat']) {
    await nav(page, view);
    await shots(page, `end-${view.toLowerCase()}`);
  }
});
