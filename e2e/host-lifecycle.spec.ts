import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { installLauncher } from '../scripts/testing/cli-process';
import { startPool, type PoolFixture } from '../scripts/testing/pool-fixture';
import type { TestHost } from '../scripts/testing/test-hosts';
import { run } from '../scripts/testing/test-hosts/proc';
import { expect, shots, test } from './fixtures';

// Two lifecycle events of a pool host, seen and handled in the hosts view: its agent is older
// than the app (updated for real over SSH), and its SSH host key changed (sshd's key regenerated).
test.use({ viewport: { width: 1440, height: 960 } });

const OLD_VERSION = '0.0.1+000000000000';
let pool: PoolFixture | undefined;
let host: TestHost;
let agentDir: string;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  pool = await startPool({ hosts: { count: 1, fakeNvidiaSmi: { 0: 'h200-idle' } } });
  host = pool.hosts[0] as TestHost;
  // An agent that works but says it is an old version: in the host user's home, so that the
  // update may replace the whole folder as it would on a real host.
  agentDir = join(host.home, '.rbees', 'agent');
  await installLauncher(agentDir);
  await writeFile(join(agentDir, 'VERSION'), `${OLD_VERSION}\n`);
  await run('chown', ['-R', `${host.user}:`, join(host.home, '.rbees')]);
  await pool.register('lab', host, agentDir);
});

test.afterAll(async () => {
  await pool?.stop();
});

const card = (page: Page, name: string): Locator =>
  page.locator(`[data-testid="host-card"][data-host="${name}"]`);

test('an outdated agent is updated; a changed host key is reviewed and replaced', async ({
  page,
}) => {
  test.setTimeout(600_000);
  if (!pool) throw new Error('no pool');
  await page.goto(pool.daemon.openUrl);
  await page.getByRole('button', { name: 'Hosts', exact: true }).click();

  const lab = card(page, 'lab');
  await expect(lab).toHaveAttribute('data-state', 'online');
  const notice = lab.getByTestId('host-notice');
  await expect(notice).toContainText('Agent outdated: 0.0.1+0000000 installed, this app ships');
  await expect(lab).toHaveAttribute('data-agent', 'outdated');
  await shots(page, 'lifecycle-agent-outdated');

  await lab.getByRole('button', { name: 'Update agent' }).click();
  const install = page.getByRole('dialog', { name: 'Update agent on lab' });
  await expect(install).toBeVisible();
  await expect(install.locator('[data-event="payload"]')).toBeVisible({ timeout: 60_000 });
  await shots(page, 'lifecycle-update-running');
  await expect(install.getByRole('status')).toContainText('Installed agent', { timeout: 400_000 });
  await expect(install.locator('[data-event="swapped"]')).toBeVisible();
  await shots(page, 'lifecycle-update-done');
  await install.getByRole('button', { name: 'Close' }).click();
  await expect(install).toBeHidden();
  await expect(lab).toHaveAttribute('data-agent', 'current');
  await expect(notice).not.toContainText('outdated');
  await expect(notice).toContainText('Agent ready');
  await expect(lab.getByTestId('host-gpu-count')).toHaveText('1');
  await shots(page, 'lifecycle-agent-current');

  // The host is reinstalled, as far as SSH can tell: a new host key.
  const oldFingerprint = host.hostKeyFingerprint;
  await host.restart({ newHostKey: true });
  const review = lab.getByRole('button', { name: 'Review key change' });
  await expect(review).toBeVisible({ timeout: 60_000 });
  await expect(notice).toContainText('host key has changed');
  await shots(page, 'lifecycle-key-changed');

  await review.click();
  const dialog = page.getByRole('dialog', { name: 'Host key changed' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('reinstalled');
  await expect(dialog).toContainText('intercepting the connection');
  await expect(dialog.getByTestId('expected-fingerprint')).toHaveText(oldFingerprint);
  await expect(dialog.getByTestId('presented-fingerprint')).toHaveText(host.hostKeyFingerprint);
  await expect(dialog.getByTestId('known-hosts-file')).toContainText('known_hosts, line 1');
  await shots(page, 'lifecycle-key-dialog');
  await dialog.getByRole('button', { name: 'Replace the key' }).click();
  await expect(dialog).toBeHidden();
  await expect(lab).toHaveAttribute('data-state', 'online');
  await expect(notice).toContainText('Agent ready');
  await expect(review).toHaveCount(0);
  await shots(page, 'lifecycle-key-replaced');
});
