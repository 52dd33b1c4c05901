import type { Locator, Page } from '@playwright/test';
import { expect, shot, test } from './fixtures';

/**
 * The GPU components on the real nvidia-smi figures (src/renderer/gpus/harness-data.ts), rendered
 * by the UI's `#gpus-harness` hook: no GPU or SSH host needed to see and check them.
 */

async function openHarness(page: Page, url: string, token: string): Promise<void> {
  // The token rides along in the fragment as it does in the daemon's own link; the page removes it.
  await page.goto(`${url}/#gpus-harness&token=${encodeURIComponent(token)}`);
  await expect(page.getByTestId('gpus-harness')).toBeVisible();
}

/** Hovers the chart `minutesAgo` before its right edge (the plot spans 36 px in to 38 px short). */
async function hoverChart(chart: Locator, minutesAgo: number): Promise<void> {
  const box = await chart.boundingBox();
  if (!box) throw new Error('the history chart has no box');
  const plotW = box.width - 36 - 38;
  await chart.hover({ position: { x: 36 + plotW * (1 - minutesAgo / 10), y: box.height / 2 } });
}

test('shows each GPU with its figures, history and memory holders, and a host without GPUs', async ({
  page,
  daemon,
}) => {
  await openHarness(page, daemon.url, daemon.token);
  await expect.poll(() => new URL(page.url()).hash).toBe('#gpus-harness');

  await expect(page.getByTestId('gpu-card')).toHaveCount(2);
  const busy = page.getByRole('article', { name: 'h200-box GPU 0: NVIDIA H200' });
  // 41935 MiB of 143771 MiB (decimal units, as formatBytes states sizes).
  await expect(busy.getByTestId('gpu-memory')).toContainText('44.0 GB / 151 GB');
  await expect(busy.getByTestId('gpu-memory')).toContainText('29%');
  await expect(busy).toContainText('93%');
  await expect(busy).toContainText('55 °C');
  await expect(busy).toContainText('370 W');
  await expect(busy).toContainText('of 700 W limit');
  await expect(busy).toContainText('driver 580.159.04');
  const holder = busy.getByTestId('gpu-holder');
  await expect(holder).toHaveAttribute('data-kind', 'worker');
  await expect(holder).toContainText('worker w1 · Qwen3-32B-Q4_K_M');
  await expect(holder).toContainText('pid 467');

  const idle = page.getByRole('article', { name: 'h200-box GPU 1: NVIDIA H200' });
  await expect(idle.getByTestId('gpu-memory')).toContainText('0 B / 151 GB');
  await expect(idle).toContainText('38 °C');
  await expect(idle).toContainText('No process holds memory on this GPU.');

  const chart = busy.getByRole('img', { name: /GPU history of the last 10 minutes/ });
  await expect(chart).toHaveAttribute('aria-label', /utilisation 93%, temperature 55 °C/);
  // The host's absence 6:40–5:10 ago breaks every line: two runs per series, not one.
  await expect
    .poll(() => chart.locator('.history-line[data-series="util"]').getAttribute('d'))
    .toMatch(/^M[^M]+M[^M]+$/);

  const noGpu = page.getByTestId('no-gpu');
  await expect(noGpu).toContainText('No GPU found on mini');
  await expect(noGpu).toContainText('Intel(R) Core(TM) i5-8500T CPU @ 2.10GHz');
  await expect(noGpu).toContainText('Cores6');
  await expect(noGpu).toContainText('nvidia-smi');
  await expect(page.getByTestId('host-gpus-loading')).toContainText('Reading lab-2');
  const error = page.getByTestId('host-gpus-error');
  await expect(error).toContainText("The host's rbees agent failed");
  await expect(error).toContainText('old-box runs rbees-pool 0.1.0, this app needs 0.3.0');

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.mouse.move(0, 0);
    await expect(page.getByTestId('history-readout')).toHaveCount(0);
    await page.screenshot({ path: shot(`gpus-harness-${scheme}`), fullPage: true });

    await hoverChart(chart, 1);
    const readout = busy.getByTestId('history-readout');
    await expect(readout).toContainText('1 min ago');
    await expect(readout).toContainText('VRAM');
    await expect(readout).toContainText('Utilisation');
    await expect(readout).toContainText('44.0 GB');
    await busy.screenshot({ path: shot(`gpus-harness-hover-${scheme}`) });

    await hoverChart(chart, 6);
    await expect(readout).toContainText('No data: the host did not answer');
    await busy.screenshot({ path: shot(`gpus-harness-gap-${scheme}`) });
  }
});
