/**
 * Writes docs/openapi.json, the daemon's API as OpenAPI 3.1, from the same schemas the routes use.
 *   npm run openapi
 * The unit test src/main/daemon/openapi.test.ts fails when the file is out of date.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { version } from '../package.json';
import { openApiDocument } from '../src/main/daemon/http/openapi/document';

const target = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));
// Formatted by Prettier itself so that `npm run format:check` accepts the file as written.
const options = await resolveConfig(target);
const text = await format(JSON.stringify(openApiDocument(version), null, 2), {
  ...options,
  filepath: target,
});
await mkdir(dirname(target), { recursive: true });
await writeFile(target, text);
process.stdout.write(`wrote ${target}\n`);
