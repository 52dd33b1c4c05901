/**
 * The Workers view against a real OpenSSH pool host running the built agent: spawn a worker from
 * the dialog, read and filter its live log, restart it, see the agent's preflight refusal in
 * words, stop it. Every worker started here is stopped in teardown too, whatever happened.
 */
import { API } from '../src/shared/api';
import { putModelOnHost, startPool, type PoolFixture } from '../scripts/testing/pool-fixture';
import { ensureTestModels } from '../scripts/test-models';
import { expect, shots, test } from './fixtures';

const HOST = 'gpu1';

let pool: PoolFixture | undefined;

async function stopAllWorkers(): Promise<void> {
  const daemon = pool?.daemon;
  if (!daemon) return;
  const listed = await daemon.call('GET', API.hostWorkers(HOST));
  const workers = (listed.json.workers ?? []) as { id: string }[];
  for (const w of workers) await daemon.call('DELETE', API.hostWorker(HOST, w.id));
}

test.describe.configure({ mode: 'serial', timeout: 180_000 });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const models = await ensureTestModels();
  pool = await startPool();
  const [host] = pool.hosts;
  if (!host) throw new Error('no test host');
  // The host shares this disk: a copy owned by its user is what a finished upload leaves.
  await putModelOnHost(host, models.script, 'script.gguf');
  await pool.register(HOST, host);
});

test.afterAll(async () => {
  await stopAllWorkers().catch((err: unknown) => console.error('stopping workers:', err));
  await pool?.stop();
});

test('spawns, follows, filters, restarts and stops a worker on a pool host', async ({ page }) => {
  if (!pool) throw new Error('no pool');
  const { daemon } = pool;
  await page.goto(daemon.openUrl);
  await page.getByRole('button', { name: 'Workers', exact: true }).click();
  const empty = page.getByTestId('workers-empty');
  await expect(empty).toContainText('No workers running');
  await expect(page.getByTestId('on-demand-empty')).toContainText('None running');
  await shots(page, 'workers-empty');

  // Spawn from the dialog: gpu1, the script model, on the CPU with one thread.
  await page.getByRole('button', { name: 'Spawn worker' }).click();
  const dialog = page.getByRole('dialog', { name: 'Spawn worker' });
  await expect(dialog).toBeVisible();
  await expect(
    dialog.getByLabel('Host', { exact: true }).locator(`option[value="${HOST}"]`),
  ).toHaveCount(1);
  await dialog.getByLabel('Host', { exact: true }).selectOption(HOST);
  await dialog.getByLabel('Model', { exact: true }).selectOption('script');
  await dialog.getByLabel('Backend', { exact: true }).selectOption('cpu');
  await dialog.getByLabel('CPU threads', { exact: true }).fill('1');
  await shots(page, 'workers-spawn-dialog');
  await dialog.getByRole('button', { name: 'Spawn', exact: true }).click();
  await expect(dialog).toBeHidden({ timeout: 60_000 });

  const rows = page.getByTestId('worker-row');
  await expect(rows).toHaveCount(1);
  const row = rows.first();
  await expect(row).toHaveAttribute('data-host', HOST);
  await expect(row).toHaveAttribute('data-state', 'ready');
  await expect(row).toContainText('script');
  await expect(row).toContainText('CPU');
  await expect(row.getByRole('img', { name: '0 of 1 slots busy' })).toBeVisible();
  await expect(empty).toHaveCount(0);
  const firstId = await row.getAttribute('data-worker');
  const firstPid = await row.getAttribute('data-pid');
  expect(firstId).toBeTruthy();

  // Its live log: the ready line is there; a filter narrows it.
  await row.getByRole('button', { name: 'Logs', exact: true }).click();
  const panel = page.getByTestId('logs-panel');
  await expect(panel).toContainText(`script on ${HOST}`);
  const viewer = panel.getByTestId('log-viewer');
  await expect(viewer).toContainText('serving');
  await viewer.getByLabel('Filter logs').fill('serving');
  await expect(viewer.getByTestId('log-count')).toContainText(/^1 of \d+ lines$/);
  await shots(page, 'workers-logs');
  await viewer.getByLabel('Filter logs').fill('');

  // Restart: a new process for the same model, ready again; the log follows it.
  await row.getByRole('button', { name: 'Restart' }).click();
  const fresh = page.locator(
    `[data-testid="worker-row"][data-state="ready"]:not([data-worker="${firstId}"])`,
  );
  await expect(fresh).toHaveCount(1, { timeout: 60_000 });
  await expect(rows).toHaveCount(1);
  expect(await fresh.getAttribute('data-pid')).not.toBe(firstPid);
  const secondId = await fresh.getAttribute('data-worker');
  await expect(panel.locator('.logs-panel-id')).toHaveText(secondId ?? '');
  await expect(viewer).toContainText('serving');
  await shots(page, 'workers-list');

  // The agent's preflight refuses CUDA on a host without an NVIDIA GPU: said inline, in words.
  await page.getByRole('button', { name: 'Spawn worker' }).click();
  await dialog.getByLabel('Host', { exact: true }).selectOption(HOST);
  await dialog.getByLabel('Model', { exact: true }).selectOption('script');
  await dialog.getByLabel('Backend', { exact: true }).selectOption('cuda');
  await dialog.getByRole('button', { name: 'Spawn', exact: true }).click();
  const refusal = dialog.getByTestId('spawn-error');
  await expect(refusal).toContainText('The model does not fit in GPU memory');
  await expect(refusal).toContainText(`${HOST}: script: --backend cuda`);
  await expect(refusal).toContainText('no NVIDIA GPU found');
  await shots(page, 'workers-spawn-error');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(rows).toHaveCount(1);

  // Stop, confirmed by name: the row goes, the empty state is back.
  await fresh.getByRole('button', { name: 'Stop', exact: true }).click();
  const confirm = page.getByRole('dialog', { name: `Stop script on ${HOST}` });
  await expect(confirm).toContainText(secondId ?? '');
  await shots(page, 'workers-stop-confirm');
  await confirm.getByRole('button', { name: 'Stop worker' }).click();
  await expect(rows).toHaveCount(0);
  await expect(empty).toBeVisible();
  const left = await daemon.call('GET', API.hostWorkers(HOST));
  expect(left.json.workers).toEqual([]);
});
