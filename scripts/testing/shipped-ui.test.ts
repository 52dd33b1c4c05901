import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';

// The renderer as `npm run build` ships it (RBEES_HARNESS unset), built apart from the test build.
const outDir = mkdtempSync(join(tmpdir(), 'rbees-shipped-ui-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the shipped UI bundle', () => {
  it('carries no test harness: no fake hosts, no synthetic logs', async () => {
    await build({
      configFile: false,
      logLevel: 'silent',
      root: new URL('../../src/renderer/', import.meta.url).pathname,
      plugins: [react()],
      define: { __RBEES_HARNESS__: 'false' },
      build: { outDir, emptyOutDir: true, minify: false },
    });
    const js = readdirSync(join(outDir, 'assets'))
      .filter((file) => file.endsWith('.js'))
      .map((file) => readFileSync(join(outDir, 'assets', file), 'utf8'))
      .join('\n');
    expect(js).toContain('rbees-orcd'); // the app itself is there
    // The harness data's H200 serial, the harnesses' names.
    for (const marker of ['GPU-bd43af9b', 'GpusHarness', 'LogsHarness', 'UploadHarness']) {
      expect(js, marker).not.toContain(marker);
    }
  }, 120_000);
});
