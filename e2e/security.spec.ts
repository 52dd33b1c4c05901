import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { startDaemonProcess, type DaemonProcess } from '../scripts/testing/daemon-process';
import { startPool, type PoolFixture } from '../scripts/testing/pool-fixture';
import type { TestHost } from '../scripts/testing/test-hosts';
import { run } from '../scripts/testing/test-hosts/proc';
import { API } from '../src/shared/api';
import { expect, shot, shots, test } from './fixtures';

// What the UI says when rbees refuses to do harm: an install over someone's folder, an agent
// folder it would not own, a log follower past the host's limit.
test.use({ viewport: { width: 1440, height: 960 } });

const card = (page: Page, name: string): Locator =>
  page.locator(`[data-testid="host-card"][data-host="${name}"]`);

test.describe('refusals, in words', () => {
  let pool: PoolFixture | undefined;
  let host: TestHost;
  let thesis: string;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    pool = await startPool({ hosts: { count: 1 } });
    host = pool.hosts[0] as TestHost;
    // Someone's work, named as the host's agent folder.
    thesis = join(host.home, 'thesis');
    await mkdir(thesis, { recursive: true });
    await writeFile(join(thesis, 'chapter-1.tex'), '\\section{Why}\n');
    await run('chown', ['-R', `${host.user}:`, thesis]);
    await pool.register('lab', host, thesis);
  });

  test.afterAll(async () => {
    await pool?.stop();
  });

  test('an install over a folder that is not rbees’ agent is refused, and the folder kept', async ({
    page,
  }) => {
    if (!pool) throw new Error('no pool');
    await page.goto(pool.daemon.openUrl);
    await page.getByRole('button', { name: 'Hosts', exact: true }).click();
    const lab = card(page, 'lab');
    await expect(lab).toHaveAttribute('data-state', 'online');
    await lab.getByRole('button', { name: 'Install agent' }).click();
    const dialog = page.getByRole('dialog', { name: 'Install agent on lab' });
    const result = dialog.getByRole('alert');
    await expect(result).toContainText('not rbees', { timeout: 30_000 });
    await expect(result).toContainText('nothing was sent or removed');
    await expect(result).toContainText('Choose another agent dir');
    await shots(page, 'security-install-refused');
    expect(await readdir(thesis)).toEqual(['chapter-1.tex']);
    await dialog.getByRole('button', { name: 'Close' }).click();

    // The Add host form says what an agent folder may be before the daemon would refuse it.
    await page.getByRole('button', { name: 'Add host' }).click();
    const add = page.getByRole('dialog', { name: 'Add host' });
    await add.getByLabel('SSH host').fill('me@box');
    await add.getByLabel('Name').fill('box');
    await add.getByLabel('Agent folder').fill('~/agent; rm -rf ~');
    await add.getByRole('button', { name: 'Add and connect' }).click();
    await expect(add).toContainText('an absolute path or one under ~/');
    await shots(page, 'security-agent-dir-invalid');
  });
});

test.describe('followers past the limit', () => {
  let daemon: DaemonProcess;

  test.beforeAll(async ({ models }) => {
    daemon = await startDaemonProcess({
      models: [{ path: models.script, as: 'script.gguf' }],
      env: { RBEES_FOLLOWERS_PER_HOST: '1' },
    });
  });

  test.afterAll(async () => {
    await daemon?.stop();
  });

  test('a log past the host’s follower limit says so, and streams once one is free', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const spawn = () =>
      daemon.call('POST', API.hostWorkers('local'), { model: 'script', backend: 'cpu' });
    const [a, b] = [await spawn(), await spawn()];
    expect(a.status, JSON.stringify(a.json)).toBe(201);
    expect(b.status, JSON.stringify(b.json)).toBe(201);
    const [first, second] = [String(a.json.id), String(b.json.id)];
    // Another reader holds the host's one follower, on the first worker's log.
    const holder = new AbortController();
    const held = await fetch(`${daemon.url}${API.hostWorkerLogs('local', first)}?follow=1`, {
      headers: { authorization: `Bearer ${daemon.token}` },
      signal: holder.signal,
    });
    expect(held.status).toBe(200);
    try {
      const url = `${daemon.url}/#token=${encodeURIComponent(daemon.token)}&logs-harness=local/${second}`;
      await page.goto(url);
      const viewer = page.getByTestId('log-viewer');
      await expect(viewer).toHaveAttribute('data-status', 'error');
      await expect(page.getByTestId('log-status')).toContainText('RBEES_FOLLOWERS_PER_HOST');
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: shot(`security-followers-limit-${scheme}`) });
      }
      holder.abort();
      await page.reload();
      await expect(viewer).toHaveAttribute('data-status', 'streaming');
      await expect(page.getByTestId('log-line').first()).toBeVisible();
    } finally {
      holder.abort();
      await daemon.call('DELETE', API.hostWorker('local', first));
      await daemon.call('DELETE', API.hostWorker('local', second));
    }
  });
});
