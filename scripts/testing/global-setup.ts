import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureTestModels } from '../test-models';

const out = (path: string) => fileURLToPath(new URL(`../../out/${path}`, import.meta.url));

/** Shared by Vitest and Playwright: the generated models exist and the app is built for tests. */
export default async function setup(): Promise<void> {
  await ensureTestModels();
  const fix = 'run `npm run build:test` before the tests (npm test does)';
  if (!existsSync(out('main/serve.js')))
    throw new Error(`${out('main/serve.js')} is missing: ${fix}.`);
  // The e2e harness pages are only in a test build (RBEES_HARNESS=1), in a chunk of their own.
  const assets = existsSync(out('renderer/assets')) ? readdirSync(out('renderer/assets')) : [];
  if (!assets.some((file) => file.startsWith('harness-'))) {
    throw new Error(`${out('renderer')} is a build without the test harnesses: ${fix}.`);
  }
}
