import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { startPool, type PoolFixture } from '../scripts/testing/pool-fixture';
import type { TestHost } from '../scripts/testing/test-hosts';
import { expect, shots, test } from './fixtures';

// Wide and tall enough for three cards in a row and whole screenshots (the view scrolls inside).
test.use({ viewport: { width: 1440, height: 960 } });

// The hosts are not registered: this spec adds them through the UI. The daemon knows no host key
// and has no ssh-agent, so every key is unknown and only the given key file logs in.
let pool: PoolFixture | undefined;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  pool = await startPool({ hosts: { count: 2, fakeNvidiaSmi: { 0: 'h200-idle' } } });
});

test.afterAll(async () => {
  await pool?.stop();
});

const card = (page: Page, name: string): Locator =>
  page.locator(`[data-testid="host-card"][data-host="${name}"]`);

/** Fills the Add host dialog (already open) and submits it. */
async function addHost(page: Page, name: string, host: TestHost, agentDir: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Add host' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('SSH host').fill(`${host.user}@${host.address}:${host.port}`);
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Identity file').fill(host.clientKeyPath);
  await dialog.getByLabel('Agent folder').fill(agentDir);
  await dialog.getByRole('button', { name: 'Add and connect' }).click();
  await expect(dialog).toBeHidden();
}

/** The unknown-key question shows exactly OpenSSH's fingerprint; trusting it connects. */
async function trust(page: Page, host: TestHost, screenshot?: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Trust host key' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("can't be established");
  await expect(dialog.getByTestId('host-fingerprint')).toHaveText(host.hostKeyFingerprint);
  if (screenshot) await shots(page, screenshot);
  await dialog.getByRole('button', { name: 'Trust', exact: true }).click();
  await expect(dialog).toBeHidden();
}

test('adds SSH hosts, trusts their keys, follows their connection, removes one', async ({
  page,
}) => {
  test.setTimeout(300_000);
  if (!pool) throw new Error('no pool');
  const [a, b] = pool.hosts as [TestHost, TestHost];
  await page.goto(pool.daemon.openUrl);
  await page.getByRole('button', { name: 'Hosts', exact: true }).click();

  const local = card(page, 'local');
  await expect(local).toHaveAttribute('data-state', 'local');
  await expect(local.getByTestId('host-notice')).toContainText('Agent ready');
  await expect(page.getByTestId('hosts-add-placeholder')).toBeVisible();
  await shots(page, 'hosts-start');

  // The form says what is missing before anything is sent.
  await page.getByRole('button', { name: 'Add host' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add host' });
  await dialog.getByRole('button', { name: 'Add and connect' }).click();
  await expect(dialog).toContainText('Pick an alias from ~/.ssh/config or type user@host[:port].');
  await expect(dialog).toContainText('Give the host a name');
  await shots(page, 'hosts-add-invalid');

  await addHost(page, 'alpha', a, pool.agentDir);
  await trust(page, a, 'hosts-trust');
  const alpha = card(page, 'alpha');
  await expect(alpha).toHaveAttribute('data-state', 'online');
  await expect(alpha.getByTestId('host-gpus')).toContainText('H200');
  await expect(alpha.getByTestId('host-gpu-count')).toHaveText('1');
  await expect(alpha.getByTestId('host-notice')).toContainText('Agent ready');
  await expect(page.getByTestId('hosts-add-placeholder')).toBeHidden();
  await shots(page, 'hosts-online');

  // The shortcut opens the same dialog. An agent folder with nothing in it: the card offers the
  // install (not run here: it packs the whole agent, ~400 MB).
  await page.keyboard.press('Control+Shift+H');
  await addHost(page, 'beta', b, join(pool.dir, 'nowhere'));
  await trust(page, b);
  const beta = card(page, 'beta');
  await expect(beta).toHaveAttribute('data-state', 'online');
  await expect(beta.getByTestId('host-notice')).toContainText('Agent not installed');
  await expect(beta.getByRole('button', { name: 'Install agent' })).toBeVisible();
  await expect(alpha.getByRole('button', { name: 'Install agent' })).toHaveCount(0);
  await shots(page, 'hosts-agent-missing', beta);

  // Cut beta's network: the card says so, with the reason, and comes back by itself.
  await b.setLink(false);
  await expect(beta).toHaveAttribute('data-state', /offline|reconnecting/, { timeout: 60_000 });
  await expect(beta.getByTestId('host-notice')).not.toBeEmpty();
  await expect(beta.getByTestId('host-notice')).toHaveAttribute('data-tone', /warn|danger/);
  await shots(page, 'hosts-link-down', beta);
  await b.setLink(true);
  await expect(beta).toHaveAttribute('data-state', 'online', { timeout: 90_000 });
  await expect(alpha).toHaveAttribute('data-state', 'online');

  await beta.getByRole('button', { name: 'Remove' }).click();
  const confirm = page.getByRole('dialog', { name: 'Remove beta' });
  await expect(confirm).toContainText('Remove beta?');
  await shots(page, 'hosts-remove-confirm');
  await confirm.getByRole('button', { name: 'Remove beta' }).click();
  await expect(beta).toHaveCount(0);
  await expect(alpha).toHaveAttribute('data-state', 'online');
  await expect(page.getByTestId('hosts-summary')).toHaveText('2 hosts · 2 online · 1 GPU');
  await shots(page, 'hosts-removed');
});
