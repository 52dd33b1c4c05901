/**
 * Writes docs/openapi.json, the daemon's API as OpenAPI 3.1: what the server generates from its
 * routes' declared schemas (the real server, built but not listening).
 *   npm run openapi
 * The unit test src/main/daemon/http/openapi.test.ts fails when the file is out of date.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { buildDaemonApp } from './testing/daemon-app';

const target = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));
const daemon = await buildDaemonApp();
try {
  // Formatted by Prettier itself so that `npm run format:check` accepts the file as written.
  const options = await resolveConfig(target);
  const text = await format(JSON.stringify(daemon.app.swagger(), null, 2), {
    ...options,
    filepath: target,
  });
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, text);
  process.stdout.write(`wrote ${target}\n`);
} finally {
  await daemon.close();
}
