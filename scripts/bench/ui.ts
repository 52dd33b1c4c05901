import { chromium } from '@playwright/test';
import config from '../../playwright.config';
import { benchUiChat, type ViewportSize } from './ui-chat';
import { benchUiHosts } from './ui-hosts';
import { benchUiLogs } from './ui-logs';

/**
 * `npm run bench -- ui`: the renderer's smoothness and start-up in Chromium, driven by
 * Playwright's library API with the e2e tests' browser and launch options. Long tasks and frames
 * come from inside the page (ui-probe.ts); numbers are printed, never asserted. Headless
 * Chromium without a GPU on a shared 2-core machine: a person's desktop will do better.
 */
export async function benchUi(): Promise<void> {
  const use = config.use ?? {};
  const viewport: ViewportSize = use.viewport ?? { width: 1280, height: 800 };
  const browser = await chromium.launch(use.launchOptions);
  try {
    console.log(
      `\nui: ${browser.version()} (headless), viewport ${viewport.width}x${viewport.height}`,
    );
    // RBEES_BENCH_UI=chat,logs runs only those parts (chat, logs, hosts), when working on one.
    const parts = process.env.RBEES_BENCH_UI?.split(',') ?? ['chat', 'logs', 'hosts'];
    if (parts.includes('chat')) await benchUiChat(browser, viewport);
    if (parts.includes('logs')) await benchUiLogs(browser, viewport);
    if (parts.includes('hosts')) await benchUiHosts(browser, viewport);
  } finally {
    await browser.close();
  }
}
