import type { JSX } from 'react';
import { GpusHarness } from './gpus/gpus-harness';
import { UploadHarness } from './models/upload/upload-harness';
import { LogsHarness } from './workers/logs/logs-harness';

/**
 * Test harnesses for the Playwright visual checks (e2e/*-harness.spec.ts and others): one
 * feature's components on fixed data, picked by the address's hash (read after the token left
 * it). Built only into test bundles (RBEES_HARNESS=1, see electron.vite.config.ts): the shipped
 * app has no fake hosts.
 */
export function harnessFor(hash: string): (() => JSX.Element) | undefined {
  if (hash === '#gpus-harness') return GpusHarness;
  // `#upload-harness=<host>` carries a parameter (e2e/upload.spec.ts).
  if (hash.startsWith('#upload-harness=')) return UploadHarness;
  // `#logs-harness=<host>/<worker>`: the worker log viewer alone (e2e/log-viewer.spec.ts).
  if (hash.startsWith('#logs-harness=')) return LogsHarness;
  return undefined;
}
