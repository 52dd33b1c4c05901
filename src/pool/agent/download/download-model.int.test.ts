import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RbeesError } from '../../../shared/errors';
import { downloadModel } from './download-model';
import type { Fixture } from '../../../../scripts/testing/download-fixture';
import {
  cdnRequests,
  listDir,
  MiB,
  sha256File,
  startFixture,
  TINY_FILE,
  TINY_REPO,
} from '../../../../scripts/testing/download-fixture';

async function rejection(promise: Promise<unknown>): Promise<RbeesError> {
  const err: unknown = await promise.then(
    () => new Error('expected the download to fail'),
    (e: unknown) => e,
  );
  if (!(err instanceof RbeesError)) throw err;
  return err;
}

describe('downloadModel against the Hugging Face stand-in', () => {
  let fx: Fixture;
  let n = 0;
  let modelsDir: string;
  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(async () => {
    await fx.close();
  });
  afterEach(() => {
    fx.hf.requests.length = 0;
  });
  const freshDir = (): string => (modelsDir = join(fx.tmp, `models-${++n}`));
  const opts = () => ({
    modelsDir: freshDir(),
    endpoint: fx.hf.url,
    token: undefined,
    retryDelayMs: 10,
  });

  it('downloads an alias, verifies its sha256 and renames it into place', async () => {
    const result = await downloadModel('tinyllama', opts());
    expect(result.path).toBe(join(modelsDir, TINY_FILE));
    expect(result.sha256).toBe(await sha256File(fx.files.tiny));
    expect(result.sha256).toBe(fx.hf.sha256(TINY_REPO, TINY_FILE));
    // Buffer.equals: a deep toEqual on megabytes takes vitest tens of seconds.
    expect((await readFile(result.path)).equals(await readFile(fx.files.tiny))).toBe(true);
    expect(await listDir(modelsDir)).toEqual([TINY_FILE]);
    // Through the documented endpoints: the tree API, then resolve, redirected to the CDN.
    const paths = fx.hf.requests.map((r) => r.path.replace(/[0-9a-f]{64}/, 'SHA'));
    expect(paths).toEqual([
      `/api/models/${TINY_REPO}/tree/main`,
      `/${TINY_REPO}/resolve/main/${TINY_FILE}`,
      '/cdn/SHA',
    ]);
  });

  it('does not fetch an installed file again', async () => {
    const first = await downloadModel('tinyllama', opts());
    fx.hf.requests.length = 0;
    const again = await downloadModel('tinyllama', {
      ...opts(),
      modelsDir: first.path.replace(/\/[^/]+$/, ''),
    });
    expect(again.sha256).toBe(first.sha256);
    expect(cdnRequests(fx.hf)).toEqual([]);
  });

  it('resumes a dropped transfer with a Range for the rest only', async () => {
    fx.hf.cutNext(3 * MiB);
    const result = await downloadModel('hf:test/big::file=big.Q4_0.gguf', opts());
    const cdn = cdnRequests(fx.hf);
    expect(cdn.map((r) => r.headers.range)).toEqual([undefined, `bytes=${3 * MiB}-`]);
    expect(cdn[1]?.headers['if-range']).toBe(`"${fx.hf.sha256('test/big', 'big.Q4_0.gguf')}"`);
    expect((await readFile(result.path)).equals(await readFile(fx.files.big))).toBe(true);
    expect(await listDir(modelsDir)).toEqual(['big.Q4_0.gguf']);
  });

  it('gives up after the retries, keeping the partial for a later resume', async () => {
    fx.hf.cutNext(MiB);
    const err = await rejection(
      downloadModel('hf:test/big::file=big.Q4_0.gguf', { ...opts(), retries: 0 }),
    );
    expect(err.code).toBe('DOWNLOAD_FAILED');
    expect(err.message).toContain(`dropped after ${MiB} bytes`);
    const dir = modelsDir;
    expect((await stat(join(dir, 'big.Q4_0.gguf.partial'))).size).toBe(MiB);
    const result = await downloadModel('hf:test/big::file=big.Q4_0.gguf', {
      ...opts(),
      modelsDir: dir,
    });
    expect(result.resumed_from).toBe(MiB);
    expect(result.sha256).toBe(await sha256File(fx.files.big));
  });

  it('refuses bytes that do not match the advertised sha256, installing nothing', async () => {
    const err = await rejection(downloadModel('hf:test/corrupt::file=bad.Q4_0.gguf', opts()));
    expect(err.code).toBe('CHECKSUM_MISMATCH');
    expect(err.details?.expected_sha256).toBe('0'.repeat(64));
    expect(err.details?.actual_sha256).toBe(await sha256File(fx.files.tiny));
    expect(await listDir(modelsDir)).toEqual([]);
  });

  it('picks the file of an org/repo:QUANT reference from the tree', async () => {
    const result = await downloadModel(`${TINY_REPO}:q8_0`, opts());
    expect(result.file).toBe('tinyllama-1.1b-chat-v1.0.Q8_0.gguf');
    expect(result.sha256).toBe(await sha256File(fx.files.script));
    expect(fx.hf.requests[0]?.path).toBe(`/api/models/${TINY_REPO}/tree/main?recursive=true`);
  });

  it('names the candidates when a :QUANT matches none or several files', async () => {
    const none = await rejection(downloadModel(`${TINY_REPO}:Q2_K`, opts()));
    expect(none.code).toBe('MODEL_NOT_FOUND');
    expect(none.message).toContain(TINY_FILE);
    const many = await rejection(downloadModel('test/sharded:Q6_K', opts()));
    expect(many.code).toBe('BAD_REQUEST');
    expect(many.message).toContain('m-Q6_K-00001-of-00002.gguf, m-Q6_K-00002-of-00002.gguf');
  });

  it('says which repo, revision or file does not exist', async () => {
    const repo = await rejection(downloadModel('hf:nobody/nothing::file=a.gguf', opts()));
    expect(repo.code).toBe('MODEL_NOT_FOUND');
    expect(repo.message).toContain('Repository not found');
    const rev = await rejection(downloadModel('hf:test/big@v9::file=big.Q4_0.gguf', opts()));
    expect(rev.message).toContain('Invalid rev id: v9');
    const file = await rejection(downloadModel('hf:test/big::file=other.gguf', opts()));
    expect(file.message).toContain('there is no file other.gguf. GGUF files there: big.Q4_0.gguf');
  });

  it('checks free disk space before transferring anything', async () => {
    const statfs = async () => ({ bavail: 100, bsize: 4096 });
    const err = await rejection(downloadModel('tinyllama', { ...opts(), statfs }));
    expect(err.code).toBe('INSUFFICIENT_DISK');
    expect(err.details).toMatchObject({
      free_bytes: 409_600,
      needed_bytes: (await stat(fx.files.tiny)).size,
    });
    expect(err.message).toMatch(/needs 2\.\d MiB more, 400\.0 KiB is free/);
    expect(cdnRequests(fx.hf)).toEqual([]);
  });

  it('names the endpoint it could not reach', async () => {
    const err = await rejection(
      downloadModel('tinyllama', { ...opts(), endpoint: 'http://127.0.0.1:9' }),
    );
    expect(err.code).toBe('DOWNLOAD_FAILED');
    expect(err.message).toContain('Could not reach http://127.0.0.1:9 (HF_ENDPOINT)');
  });

  it('refuses file: references, which need no download', async () => {
    const err = await rejection(downloadModel('file:/models/a.gguf', opts()));
    expect(err.code).toBe('BAD_REQUEST');
  });
});

describe('downloadModel from a repo that needs a token', () => {
  let fx: Fixture;
  const saved = process.env.HF_TOKEN;
  beforeAll(async () => {
    fx = await startFixture({ requiredToken: 'hf_secret' });
  });
  afterAll(async () => {
    process.env.HF_TOKEN = saved;
    if (saved === undefined) delete process.env.HF_TOKEN;
    await fx.close();
  });

  it('fails with a hint without HF_TOKEN, and sends it as a bearer when set', async () => {
    delete process.env.HF_TOKEN;
    const modelsDir = join(fx.tmp, 'models');
    const err = await rejection(downloadModel('tinyllama', { modelsDir, endpoint: fx.hf.url }));
    expect(err.code).toBe('DOWNLOAD_FAILED');
    expect(err.message).toContain('set HF_TOKEN');
    process.env.HF_TOKEN = 'hf_secret';
    fx.hf.requests.length = 0;
    const result = await downloadModel('tinyllama', { modelsDir, endpoint: fx.hf.url });
    expect(result.sha256).toBe(await sha256File(fx.files.tiny));
    expect(fx.hf.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer hf_secret',
      'Bearer hf_secret',
      'Bearer hf_secret', // the CDN is on the same origin here; a foreign one gets no token
    ]);
  });
});
