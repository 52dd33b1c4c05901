import type { Browser, Page } from '@playwright/test';
import { startDaemonProcess, type DaemonProcess } from '../testing/daemon-process';
import { median } from './stats';
import type { ViewportSize } from './ui-chat';
import {
  describeSmoothness,
  mark,
  probeFromNavigation,
  probeNow,
  readProbe,
  smoothness,
  target,
  waitForMark,
  waitUntil,
} from './ui-probe';
import { describeLoad, sampleLoad } from './ui-load';
import { describeTrace, startTrace, stopTrace } from './ui-trace';

const LINES = 200_000;
const RATE = 5_000;
const SHOW_RUNS = 3;
const WHEEL_STEPS = 50;
const FOLLOW_MS = 5_000;
const LAST_NUMBER = '.log-row:last-child .log-line-number';

/**
 * The worker log viewer on its test harness (src/renderer/workers/logs/logs-harness.tsx):
 * 200,000 generated lines shown and scrolled, then followed while 5,000 lines/s arrive.
 */
export async function benchUiLogs(browser: Browser, viewport: ViewportSize): Promise<void> {
  const daemon = await startDaemonProcess();
  try {
    console.log(`\nui logs: ${LINES.toLocaleString('en')} lines in the log viewer (harness page)`);
    const shown: number[] = [];
    for (let i = 0; i < SHOW_RUNS; i++) {
      const context = await browser.newContext({ viewport });
      try {
        const page = await context.newPage();
        await probeFromNavigation(page, [{ name: 'rows', selector: '[data-testid="log-line"]' }]);
        await page.goto(harnessUrl(daemon, `synthetic/${LINES}`));
        await waitForMark(page, 'rows', 60_000);
        const sample = await readProbe(page);
        const rowsAt = mark(sample, 'rows');
        shown.push(rowsAt);
        console.log(
          `  show, run ${i + 1}: first rows on screen ${rowsAt.toFixed(0)} ms after navigation ` +
            `start; ${describeSmoothness(smoothness(sample, 0, rowsAt))}`,
        );
        // The last page, loaded and idle, is the one to scroll.
        if (i === SHOW_RUNS - 1) await scrollThrough(page);
      } finally {
        await context.close();
      }
    }
    console.log(
      `  show: median ${median(shown).toFixed(0)} ms, max ${Math.max(...shown).toFixed(0)} ms`,
    );
    await follow(browser, viewport, daemon);
  } finally {
    await daemon.stop();
  }
}

function harnessUrl(daemon: DaemonProcess, spec: string): string {
  return `${daemon.url}/#token=${encodeURIComponent(daemon.token)}&logs-harness=${spec}`;
}

/** From the first line to the last with wheel events, one per frame, as a fast flick does. */
async function scrollThrough(page: Page): Promise<void> {
  const log = page.getByRole('log', { name: 'Logs of synthetic' });
  await log.evaluate((el: { scrollTop: number }) => {
    el.scrollTop = 0;
  });
  await waitUntil(page, `document.querySelector('.log-line-number')?.textContent === '1'`);
  const box = await log.boundingBox();
  if (!box) throw new Error('the log is not on screen');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const range = await log.evaluate(
    (el: { scrollHeight: number; clientHeight: number }) => el.scrollHeight - el.clientHeight,
  );
  const step = Math.ceil(range / WHEEL_STEPS);
  await probeNow(page, [{ name: 'bottom', selector: LAST_NUMBER, pattern: `^${LINES}$` }]);
  const from = Number(await page.evaluate('performance.now()'));
  const nextFrame = 'new Promise((resolve) => requestAnimationFrame(() => resolve(0)))';
  let wheels = 0;
  const wheel = async () => {
    await page.mouse.wheel(0, step);
    wheels++;
    await page.evaluate(nextFrame);
  };
  while (wheels < WHEEL_STEPS) await wheel();
  // Chromium animates each wheel's scroll: let the last one land, then add wheels only if it
  // clamped their deltas and the bottom is still out of reach.
  for (;;) {
    const reached = await waitForMark(page, 'bottom', 2_000).then(
      () => true,
      () => false,
    );
    if (reached) break;
    if (wheels >= WHEEL_STEPS * 10)
      throw new Error(`the last line is not shown after ${wheels} wheels`);
    for (let i = 0; i < 10; i++) await wheel();
  }
  const sample = await readProbe(page);
  const s = smoothness(sample, from, mark(sample, 'bottom'));
  console.log(
    `  scroll top → bottom: ${wheels} wheel events of ${step.toLocaleString('en')} px (the next after a frame), ` +
      `${s.ms.toFixed(0)} ms to the last line; ${describeSmoothness(s)}`,
  );
}

/** Following the bottom while the harness appends 5,000 lines/s (once per frame). */
async function follow(browser: Browser, viewport: ViewportSize, daemon: DaemonProcess) {
  const context = await browser.newContext({ viewport });
  try {
    const page = await context.newPage();
    await probeFromNavigation(page, [{ name: 'rows', selector: '[data-testid="log-line"]' }]);
    await page.goto(harnessUrl(daemon, `synthetic/${LINES}/${RATE}`));
    await waitForMark(page, 'rows', 60_000);
    await page.waitForTimeout(1_000); // past the initial load: only following is measured
    const lastLine = async () => Number(await page.locator(LAST_NUMBER).innerText());
    const fromLine = await lastLine();
    await startTrace(browser, page);
    const from = Number(await page.evaluate('performance.now()'));
    const loadFrom = sampleLoad();
    await page.waitForTimeout(FOLLOW_MS); // the measured window itself, not a wait for a state
    const load = describeLoad(loadFrom, sampleLoad());
    const sample = await readProbe(page);
    const toLine = await lastLine();
    const traced = await stopTrace(browser);
    const s = smoothness(sample, from, sample.now);
    const rate = ((toLine - fromLine) / s.ms) * 1000;
    console.log(
      `  follow at ${RATE.toLocaleString('en')} lines/s for ${(s.ms / 1000).toFixed(1)} s: ` +
        `${(toLine - fromLine).toLocaleString('en')} lines shown (${rate.toFixed(0)}/s), ` +
        `${describeSmoothness(s)} (target: no task over 50 ms: ${target(s.longestTaskMs <= 50)})` +
        describeTrace(traced) +
        load,
    );
  } finally {
    await context.close();
  }
}
