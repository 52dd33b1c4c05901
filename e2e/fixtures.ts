import { test as base, type Locator, type Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemonProcess, type DaemonProcess } from '../scripts/testing/daemon-process';
import { ensureTestModels, type TestModels } from '../scripts/test-models';

/** Screenshots of every view at each step, kept after a successful run for a person to look at. */
export const SHOTS_DIR = join('test-results', 'screenshots');

/** A real daemon (the built `npm run serve`) with the generated models, one per test file. */
export const test = base.extend<object, { daemon: DaemonProcess; models: TestModels }>({
  models: [
    // Playwright reads fixture dependencies from the destructuring pattern: none here.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      await use(await ensureTestModels());
    },
    { scope: 'worker' },
  ],
  daemon: [
    async ({ models }, use) => {
      const daemon = await startDaemonProcess({
        models: [
          { path: models.script, as: 'script.gguf' },
          { path: models.scriptSlow, as: 'counting.gguf' },
        ],
      });
      // Not a GGUF at all: the UI must say the model failed to load, in words.
      writeFileSync(join(daemon.home, 'models', 'broken.gguf'), 'not a model\n');
      await use(daemon);
      await daemon.stop();
    },
    { scope: 'worker' },
  ],
});

export function shot(name: string): string {
  mkdirSync(SHOTS_DIR, { recursive: true });
  return join(SHOTS_DIR, `${name}.png`);
}

/**
 * `name`-light.png and `name`-dark.png of the whole page, with `focus` scrolled to the top first:
 * the views scroll inside the frame, so a full-page shot alone would not reach a lower section.
 */
export async function shots(page: Page, name: string, focus?: Locator): Promise<void> {
  await focus?.evaluate((el: { scrollIntoView(options: object): void }) =>
    el.scrollIntoView({ block: 'start' }),
  );
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({
      path: shot(`${name}-${scheme}`),
      fullPage: true,
      animations: 'disabled',
    });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

export { expect } from '@playwright/test';
