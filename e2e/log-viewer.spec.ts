import type { Page } from '@playwright/test';
import { API } from '../src/shared/api';
import { expect, shot, test } from './fixtures';

/**
 * The worker log viewer, alone on the test harness page (`#logs-harness=…`, see
 * src/renderer/workers/logs/logs-harness.tsx) until the Workers view mounts it.
 */
function harnessUrl(daemon: { url: string; token: string }, target: string): string {
  return `${daemon.url}/#token=${encodeURIComponent(daemon.token)}&logs-harness=${target}`;
}

const lastLineNumber = async (page: Page) =>
  Number(await page.getByTestId('log-line').last().locator('.log-line-number').innerText());

/** The last rendered line is the newest one shown, read in one task so the stream cannot race it. */
const showsNewest = (page: Page) =>
  page.evaluate(() => {
    const doc = (
      globalThis as unknown as {
        document: {
          querySelector(s: string): { textContent: string } | null;
          querySelectorAll(s: string): ArrayLike<{ textContent: string }>;
        };
      }
    ).document;
    const numbers = doc.querySelectorAll('[data-testid="log-line"] .log-line-number');
    const last = Number(numbers[numbers.length - 1]?.textContent);
    const count = Number(
      doc.querySelector('[data-testid="log-count"]')?.textContent.replace(/\D/g, ''),
    );
    return last === count;
  });

test.describe('worker log viewer', () => {
  test('shows a real worker’s log, filters it, in light and dark', async ({ page, daemon }) => {
    const spawned = await daemon.call('POST', API.hostWorkers('local'), {
      model: 'script',
      backend: 'cpu',
    });
    expect(spawned.status, JSON.stringify(spawned.json)).toBe(201);
    const workerId = String(spawned.json.id);
    try {
      await page.goto(harnessUrl(daemon, `local/${workerId}`));
      const viewer = page.getByTestId('log-viewer');
      await expect(page.getByRole('log', { name: `Logs of ${workerId}` })).toBeVisible();
      await expect(viewer).toHaveAttribute('data-status', 'streaming');
      await expect(page.getByTestId('log-status')).toContainText('Streaming');
      await expect(page.getByTestId('log-line').first()).toBeVisible();
      // An idle worker writes a few lines when it loads, and then nothing.
      const total = Number((await page.getByTestId('log-count').innerText()).replace(/\D/g, ''));
      expect(total).toBeGreaterThan(0);
      await expect(page.getByTestId('log-line')).toHaveCount(total);

      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: shot(`logs-worker-${scheme}`) });
      }

      // Filter by a word of some line, typed in another case: only matching lines stay.
      const sample = (await page.getByTestId('log-line').first().locator('.log-text').innerText())
        .split(/\s+/)
        .find((word) => word.length >= 4);
      expect(sample, 'a word of four letters or more in the first line').toBeTruthy();
      const query = (sample ?? '').toUpperCase();
      await page.getByLabel('Filter logs').fill(query);
      await expect(page.getByTestId('log-count')).toHaveText(/^[\d,]+ of [\d,]+ lines?$/);
      const texts = await page.getByTestId('log-line').locator('.log-text').allInnerTexts();
      expect(texts.length).toBeGreaterThan(0);
      expect(texts.length).toBeLessThanOrEqual(total);
      for (const text of texts) expect(text.toUpperCase()).toContain(query);
      await page.screenshot({ path: shot('logs-worker-filtered-dark') });

      await page.getByLabel('Filter logs').fill('no line says this 0xdeadbeef');
      await expect(page.getByTestId('log-line')).toHaveCount(0);
      await expect(viewer).toContainText('No lines match');
      await expect(page.getByTestId('log-count')).toHaveText(/^0 of [\d,]+ lines?$/);
      await page.getByLabel('Filter logs').fill('');
      await expect(page.getByTestId('log-line')).toHaveCount(total);

      // Copy with nothing selected takes every line shown.
      await page.getByRole('button', { name: 'Copy' }).click();
      await expect(page.getByTestId('log-status')).toContainText(`Copied ${total} line`);
    } finally {
      await daemon.call('DELETE', API.hostWorker('local', workerId));
    }
  });

  test('says when the worker does not exist', async ({ page, daemon }) => {
    await page.goto(harnessUrl(daemon, 'local/no-such-worker'));
    await expect(page.getByTestId('log-viewer')).toHaveAttribute('data-status', 'error');
    await expect(page.getByTestId('log-status')).toContainText('no-such-worker');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: shot('logs-missing-worker-light') });
  });

  test('scrolls 200,000 lines with a small DOM, and filters them', async ({ page, daemon }) => {
    await page.goto(harnessUrl(daemon, 'synthetic/200000'));
    const log = page.getByRole('log', { name: 'Logs of synthetic' });
    await expect(page.getByTestId('log-count')).toHaveText('200,000 lines');
    // Following starts at the bottom.
    await expect.poll(() => lastLineNumber(page)).toBe(200_000);
    const rows = page.getByTestId('log-line');
    const counted = await rows.count();
    console.log(`log-viewer: ${counted} log-line elements in the DOM for 200,000 lines`);
    expect(counted).toBeLessThan(200);

    // Jump to the middle and to the top by setting scrollTop, as a scrollbar drag does.
    await log.evaluate((el: { scrollTop: number; scrollHeight: number }) => {
      el.scrollTop = el.scrollHeight / 2;
    });
    await expect(page.getByRole('button', { name: 'Follow' })).toHaveAttribute(
      'aria-pressed',
      'false',
    );
    await expect(page.getByRole('button', { name: /^Jump to latest/ })).toBeVisible();
    await expect.poll(() => lastLineNumber(page)).toBeGreaterThan(99_000);
    expect(await lastLineNumber(page)).toBeLessThan(102_000);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: shot('logs-synthetic-middle-light') });
    await log.evaluate((el: { scrollTop: number }) => {
      el.scrollTop = 0;
    });
    await expect(rows.first().locator('.log-line-number')).toHaveText('1');
    expect(await rows.count()).toBeLessThan(200);

    const started = Date.now();
    await page.getByLabel('Filter logs').fill('error');
    await expect(page.getByTestId('log-count')).toHaveText('25,000 of 200,000 lines');
    console.log(`log-viewer: filter on 200,000 lines shown in ${Date.now() - started} ms`);
    for (const text of await rows.locator('.log-text').allInnerTexts())
      expect(text).toMatch(/^ERROR/);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: shot('logs-synthetic-filtered-dark') });
  });

  test('follows a fast stream, pauses, and jumps back to the latest', async ({ page, daemon }) => {
    await page.goto(harnessUrl(daemon, 'synthetic/1000/5000'));
    await page.evaluate(() => {
      // This file is typed for node: the page's globals are described by hand.
      const w = globalThis as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
      }).observe({ type: 'longtask' as never }); // Chromium-only entry type, not in node's types
    });
    const count = page.getByTestId('log-count');
    const linesShown = async () => Number((await count.innerText()).replace(/\D/g, ''));
    // Following: the newest line stays in view as lines arrive.
    await expect.poll(linesShown).toBeGreaterThan(5000);
    // Long tasks over three seconds of following alone (no screenshots or clicks meanwhile).
    const measuredFrom = await linesShown();
    await page.evaluate(() => {
      (globalThis as unknown as { longTasks: number[] }).longTasks = [];
    });
    await expect.poll(linesShown, { timeout: 30_000 }).toBeGreaterThan(measuredFrom + 15_000);
    const longTasks = await page.evaluate(
      () => (globalThis as unknown as { longTasks: number[] }).longTasks,
    );
    console.log(
      `log-viewer following at 5,000 lines/s for 15,000 lines: ${longTasks.length} long tasks ` +
        `(>50 ms), longest ${Math.max(0, ...longTasks).toFixed(0)} ms ` +
        `(headless Chromium without GPU on a shared machine; printed only)`,
    );
    await expect.poll(() => showsNewest(page)).toBe(true);

    await page.getByRole('button', { name: 'Pause' }).click();
    const frozen = await linesShown();
    await expect(page.getByTestId('log-status')).toContainText(/Paused: [\d,]+ lines held back/);
    await expect
      .poll(async () =>
        Number(
          (await page.getByTestId('log-status').innerText())
            .match(/Paused: ([\d,]+)/)?.[1]
            ?.replace(/,/g, ''),
        ),
      )
      .toBeGreaterThan(2000);
    expect(await linesShown()).toBe(frozen);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: shot('logs-paused-dark') });
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(linesShown).toBeGreaterThan(frozen);

    // Scrolling up stops following; the button counts what came since.
    await page.getByRole('log').hover();
    await page.mouse.wheel(0, -600);
    await expect(page.getByRole('button', { name: 'Follow' })).toHaveAttribute(
      'aria-pressed',
      'false',
    );
    const jump = page.getByRole('button', { name: /^Jump to latest \([\d,]+ new\)$/ });
    await expect(jump).toBeVisible();
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: shot('logs-scrolled-up-light') });
    await jump.click();
    await expect(page.getByRole('button', { name: 'Follow' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await expect(jump).toBeHidden();
    await expect.poll(() => showsNewest(page)).toBe(true);
  });
});
