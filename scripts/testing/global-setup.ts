import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureTestModels } from '../test-models';

/** Shared by Vitest and Playwright: the generated models exist and the app is built. */
export default async function setup(): Promise<void> {
  await ensureTestModels();
  const built = fileURLToPath(new URL('../../out/main/serve.js', import.meta.url));
  if (!existsSync(built)) {
    throw new Error(`${built} is missing: run \`npm run build\` before the tests (npm test does).`);
  }
}
