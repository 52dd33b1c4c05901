import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RbeesError } from '../../../shared/errors';
import { downloadModel } from './download-model';
import { readSidecar } from './partial-file';
import type { DownloadProgress } from './progress';
import type { Fixture } from '../../../../scripts/testing/download-fixture';
import {
  cdnRequests,
  listDir,
  MiB,
  sha256File,
  startFixture,
} from '../../../../scripts/testing/download-fixture';

const BIG = 'hf:test/big::file=big.Q4_0.gguf';

describe('progress, abort and resume', () => {
  let fx: Fixture;
  let n = 0;
  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(async () => {
    await fx.close();
  });
  afterEach(() => {
    fx.hf.requests.length = 0;
    fx.hf.setThrottle(undefined);
  });
  const freshDir = (): string => join(fx.tmp, `models-${++n}`);

  it('reports progress at most every 100 ms, then a final event', async () => {
    fx.hf.setThrottle(8 * MiB); // 8 MiB at 8 MiB/s: about a second of transfer
    const events: { at: number; p: DownloadProgress }[] = [];
    await downloadModel(BIG, {
      modelsDir: freshDir(),
      endpoint: fx.hf.url,
      onProgress: (p) => events.push({ at: performance.now(), p }),
    });
    expect(events.length).toBeGreaterThanOrEqual(6);
    const gaps = events.slice(1).map((e, i) => e.at - (events[i]?.at ?? 0));
    // Every gap but the last one (the final event comes when the file is installed). The test's
    // clock reads a moment after the meter's, hence a little slack; unthrottled gaps are ~1 ms.
    for (const gap of gaps.slice(0, -1)) expect(gap).toBeGreaterThanOrEqual(98);
    const last = events.at(-1)?.p;
    expect(last).toMatchObject({ bytes: 8 * MiB, total: 8 * MiB, eta_s: 0 });
    const middle = events[Math.floor(events.length / 2)]?.p;
    if (!middle) throw new Error('no middle event');
    // The stand-in caps the rate at 8 MiB/s (a loaded machine may be slower, never faster), and
    // the ETA follows from the rate.
    expect(middle.bytes_per_sec).toBeGreaterThan(0);
    expect(middle.bytes_per_sec).toBeLessThan(10 * MiB);
    const eta = (middle.total - middle.bytes) / middle.bytes_per_sec; // rate is rounded: ±1 s
    expect(Math.abs((middle.eta_s ?? -9) - eta)).toBeLessThanOrEqual(1);
    const bytes = events.map((e) => e.p.bytes);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
  });

  it('leaves the partial on abort, and a second call resumes it', async () => {
    fx.hf.setThrottle(4 * MiB);
    const modelsDir = freshDir();
    const controller = new AbortController();
    const err: unknown = await downloadModel(BIG, {
      modelsDir,
      endpoint: fx.hf.url,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.bytes >= 2 * MiB) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RbeesError);
    expect((err as RbeesError).code).toBe('CANCELLED');
    expect(await listDir(modelsDir)).toEqual([
      'big.Q4_0.gguf.partial',
      'big.Q4_0.gguf.partial.json',
    ]);
    const kept = (await stat(join(modelsDir, 'big.Q4_0.gguf.partial'))).size;
    expect(kept).toBeGreaterThanOrEqual(2 * MiB);
    expect(kept).toBeLessThan(8 * MiB);
    const sidecar = await readSidecar(join(modelsDir, 'big.Q4_0.gguf.partial.json'));
    expect(sidecar).toMatchObject({
      size: 8 * MiB,
      sha256: fx.hf.sha256('test/big', 'big.Q4_0.gguf'),
    });

    fx.hf.setThrottle(undefined);
    fx.hf.requests.length = 0;
    const result = await downloadModel(BIG, { modelsDir, endpoint: fx.hf.url });
    expect(result.resumed_from).toBe(kept);
    expect(cdnRequests(fx.hf).map((r) => r.headers.range)).toEqual([`bytes=${kept}-`]);
    expect(result.sha256).toBe(await sha256File(fx.files.big));
    expect(await listDir(modelsDir)).toEqual(['big.Q4_0.gguf']);
  });

  it('starts over when the ETag changed since the partial was written', async () => {
    const modelsDir = freshDir();
    // A partial of wrong bytes under an old ETag: If-Range makes the server send the whole file.
    const first = await downloadModel(BIG, { modelsDir, endpoint: fx.hf.url });
    const partial = join(modelsDir, 'big.Q4_0.gguf.partial');
    await writeFile(partial, Buffer.alloc(MiB, 0xab));
    await writeFile(
      `${partial}.json`,
      JSON.stringify({
        url: `${fx.hf.url}/test/big/resolve/main/big.Q4_0.gguf`,
        size: 8 * MiB,
        sha256: first.sha256,
        etag: '"an-older-version"',
        ref: BIG,
      }),
    );
    await writeFile(first.path, ''); // a truncated install is not "already installed"
    fx.hf.requests.length = 0;
    const result = await downloadModel(BIG, { modelsDir, endpoint: fx.hf.url });
    const cdn = cdnRequests(fx.hf);
    expect(cdn.map((r) => [r.headers.range, r.headers['if-range']])).toEqual([
      [`bytes=${MiB}-`, '"an-older-version"'],
    ]);
    expect(result.sha256).toBe(first.sha256);
    expect((await readFile(result.path)).equals(await readFile(fx.files.big))).toBe(true);
  });
});
