import type { Page } from '@playwright/test';
import { startDaemonProcess } from '../scripts/testing/daemon-process';
import { expect, shot, test } from './fixtures';

/** The Web Storage calls used in the page (this file is type-checked without the DOM). */
interface WebStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

async function openChat(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
}

test.describe('chat in headless mode', () => {
  test('streams the exact scripted reply, with stats, and keeps it across a reload', async ({
    page,
    daemon,
    models,
  }) => {
    await openChat(page, daemon.openUrl);
    // The token left the address bar once the page took it.
    await expect.poll(() => new URL(page.url()).hash).toBe('');
    await page.getByRole('combobox', { name: 'Model' }).selectOption('script');
    await page.getByLabel('Message').fill('Say hello, please.');
    await page.getByRole('button', { name: 'Send' }).click();

    const reply = page.getByTestId('message-assistant').last();
    await expect(reply).toHaveAttribute('data-status', 'done');
    await expect(reply).toContainText(models.scriptText);
    await expect(page.getByTestId('message-user').last()).toContainText('Say hello, please.');
    await expect(reply.getByTestId('reply-stats')).toContainText(/tok\/s/);
    await page.screenshot({ path: shot('chat-reply'), fullPage: true });

    await page.reload();
    await page.getByRole('button', { name: 'Chat', exact: true }).click();
    await expect(page.getByTestId('message-assistant').last()).toContainText(models.scriptText);
  });

  test('stops a long reply midway and keeps the partial text', async ({ page, daemon }) => {
    await openChat(page, daemon.openUrl);
    await page.getByRole('combobox', { name: 'Model' }).selectOption('counting');
    await page.getByLabel('Message').fill('Count for me.');
    await page.getByRole('button', { name: 'Send' }).click();

    const reply = page.getByTestId('message-assistant').last();
    await expect(reply).toHaveAttribute('data-status', 'streaming');
    await expect(reply).toContainText('10,');
    await page.screenshot({ path: shot('chat-streaming'), fullPage: true });
    await page.getByRole('button', { name: 'Stop' }).click();

    await expect(reply).toHaveAttribute('data-status', 'stopped');
    const partial = await reply.innerText();
    expect(partial).toContain('Counting to 320');
    expect(partial).not.toContain('Done.');
    await page.screenshot({ path: shot('chat-stopped'), fullPage: true });
    // The worker's slot is free again: the next reply streams to the end.
    await page.getByRole('combobox', { name: 'Model' }).selectOption('script');
    await page.getByLabel('Message').fill('And now hello.');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(page.getByTestId('message-assistant').last()).toHaveAttribute(
      'data-status',
      'done',
    );
  });

  test('regenerates a reply and explains a model that fails to load', async ({
    page,
    daemon,
    models,
  }) => {
    await openChat(page, daemon.openUrl);
    await page.getByRole('button', { name: 'New conversation' }).click();
    await page.getByRole('combobox', { name: 'Model' }).selectOption('script');
    await page.getByLabel('Message').fill('Hello?');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(page.getByTestId('message-assistant').last()).toHaveAttribute(
      'data-status',
      'done',
    );
    await page.getByRole('button', { name: 'Regenerate' }).click();
    await expect(page.getByTestId('message-assistant')).toHaveCount(1);
    await expect(page.getByTestId('message-assistant')).toHaveAttribute('data-status', 'done');
    await expect(page.getByTestId('message-assistant')).toContainText(models.scriptText);

    await page.getByRole('combobox', { name: 'Model' }).selectOption('broken');
    await page.getByLabel('Message').fill('Are you there?');
    await page.getByRole('button', { name: 'Send' }).click();
    const error = page.getByTestId('message-error');
    await expect(error).toHaveAttribute('data-code', 'MODEL_LOAD_FAILED');
    await expect(error).toContainText('broken');
    await page.screenshot({ path: shot('chat-load-error'), fullPage: true });
  });

  test('keeps the history in the daemon, and moves an old browser-kept history in', async ({
    browser,
    daemon,
  }) => {
    // A page of the previous version kept its conversations in localStorage (version 1).
    const legacy = {
      version: 1,
      state: {
        conversations: {
          old1: {
            id: 'old1',
            title: 'From before the update',
            created_at: 1,
            updated_at: 2,
            messages: [
              { id: 'u', role: 'user', content: 'Old question', status: 'done', created_at: 1 },
              {
                id: 'a',
                role: 'assistant',
                content: 'Old answer, cut short',
                status: 'streaming',
                created_at: 2,
              },
            ],
          },
        },
        order: ['old1'],
        activeId: 'old1',
        settings: { model: 'script', systemPrompt: '', temperature: 0.7, maxTokens: 512 },
        settingsOpen: true,
        draft: '',
      },
    };
    const before = await browser.newContext();
    // Seeded once per tab (the page reloads nothing here, but a seed must not come back).
    await before.addInitScript((value) => {
      const { localStorage, sessionStorage } = globalThis as unknown as Record<string, WebStorage>;
      if (!sessionStorage?.getItem('seeded')) {
        localStorage?.setItem('rbees.chat', value);
        sessionStorage?.setItem('seeded', '1');
      }
    }, JSON.stringify(legacy));
    const oldPage = await before.newPage();
    await openChat(oldPage, daemon.openUrl);
    await expect(oldPage.getByText('Old answer, cut short')).toBeVisible();
    // Moved to the daemon, and out of this browser: it lives in one place only.
    const listed = await daemon.call('GET', '/api/conversations');
    expect(JSON.stringify(listed.json)).toContain('From before the update');
    await expect
      .poll(() =>
        oldPage.evaluate(
          () =>
            (globalThis as unknown as Record<string, WebStorage>).localStorage?.getItem(
              'rbees.chat',
            ) ?? '',
        ),
      )
      .not.toContain('Old question');
    await before.close();

    // Another browser (nothing in its storage) sees the whole history, messages included.
    const fresh = await browser.newContext();
    const page = await fresh.newPage();
    await openChat(page, daemon.openUrl);
    await page.getByRole('button', { name: 'From before the update', exact: true }).click();
    await expect(page.getByTestId('message-user')).toContainText('Old question');
    const cut = page.getByTestId('message-assistant');
    await expect(cut).toHaveAttribute('data-status', 'stopped');
    await page.screenshot({ path: shot('chat-history-from-daemon'), fullPage: true });
    await fresh.close();
  });

  test('shows every view in light and dark', async ({ page, daemon }) => {
    await page.goto(daemon.openUrl);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const view of ['Hosts', 'GPUs', 'Models', 'Workers', 'Chat']) {
        await page.getByRole('button', { name: view, exact: true }).click();
        await expect(page.getByTestId(`view-${view.toLowerCase()}`)).toBeVisible();
        await page.screenshot({ path: shot(`view-${view.toLowerCase()}-${scheme}`) });
      }
    }
    await page.getByRole('button', { name: 'Models' }).click();
    await expect(page.getByText('counting', { exact: true })).toBeVisible();
  });

  test('explains how to get in when the page has no token', async ({ page, daemon }) => {
    await page.goto(`${daemon.url}/`);
    await expect(page.getByText(/token/i).first()).toBeVisible();
    await page.screenshot({ path: shot('unauthorized') });
  });
});

test('says when the daemon is gone, and recovers when it is back', async ({ page }) => {
  const daemon = await startDaemonProcess();
  try {
    await page.goto(daemon.openUrl);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'online');
    process.kill(daemon.pid, 'SIGSTOP');
    await page.getByTestId('nav-models').click();
    await expect(page.getByTestId('connection-banner')).toBeVisible({ timeout: 30_000 });
    await page.screenshot({ path: shot('daemon-unreachable') });
    process.kill(daemon.pid, 'SIGCONT');
    // The live event stream reconnects by itself; Retry is there for whoever is quicker.
    const banner = page.getByTestId('connection-banner');
    await banner
      .getByRole('button', { name: 'Retry' })
      .click({ timeout: 2000 })
      .catch(() => undefined);
    await expect(banner).toBeHidden();
  } finally {
    process.kill(daemon.pid, 'SIGCONT');
    await daemon.stop();
  }
});
