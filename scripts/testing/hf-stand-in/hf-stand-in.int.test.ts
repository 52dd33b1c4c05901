import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HfStandIn, TreeEntry } from './index';
import { startHfStandIn } from './index';
import { parseRange } from './serve-file';

describe('parseRange', () => {
  it.each([
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=5-', { start: 5, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=90-500', { start: 90, end: 99 }],
    ['bytes=100-', 'unsatisfiable'],
    ['bytes=5-4', 'unsatisfiable'],
    ['bytes=0-1,5-6', 'unsatisfiable'],
    ['items=0-1', 'unsatisfiable'],
  ])('%s of 100 bytes → %j', (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });
});

describe('the Hugging Face stand-in', () => {
  let hf: HfStandIn;
  let tmp: string;
  const body = Buffer.from('0123456789'.repeat(10));
  const sha = createHash('sha256').update(body).digest('hex');
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'rbees-hf-'));
    await writeFile(join(tmp, 'a.gguf'), body);
    hf = await startHfStandIn({
      repos: {
        'o/r': { files: { 'a.Q4_0.gguf': join(tmp, 'a.gguf'), 'sub/b.gguf': join(tmp, 'a.gguf') } },
      },
      requiredToken: 't0k',
    });
  });
  afterAll(async () => {
    await hf.stop();
    await rm(tmp, { recursive: true, force: true });
  });
  const auth = { Authorization: 'Bearer t0k' };

  it('lists the tree with LFS oids, folders collapsed unless recursive', async () => {
    const tree = (await (
      await fetch(`${hf.url}/api/models/o/r/tree/main`, { headers: auth })
    ).json()) as TreeEntry[];
    expect(tree).toEqual([
      expect.objectContaining({
        type: 'file',
        path: 'a.Q4_0.gguf',
        size: 100,
        lfs: expect.objectContaining({ oid: sha, size: 100 }) as unknown,
      }),
      expect.objectContaining({ type: 'directory', path: 'sub' }),
    ]);
    const all = (await (
      await fetch(`${hf.url}/api/models/o/r/tree/main?recursive=true`, { headers: auth })
    ).json()) as TreeEntry[];
    expect(all.map((e) => e.path)).toEqual(['a.Q4_0.gguf', 'sub/b.gguf']);
  });

  it('redirects resolve to the CDN with the linked headers, and serves ranges', async () => {
    const res = await fetch(`${hf.url}/o/r/resolve/main/a.Q4_0.gguf`, {
      headers: auth,
      redirect: 'manual',
      method: 'HEAD',
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('x-linked-etag')).toBe(`"${sha}"`);
    expect(res.headers.get('x-linked-size')).toBe('100');
    expect(res.headers.get('x-repo-commit')).toMatch(/^[0-9a-f]{40}$/);
    const cdn = res.headers.get('location') ?? '';
    const part = await fetch(cdn, { headers: { Range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 10-19/100');
    expect(await part.text()).toBe('0123456789');
    expect((await fetch(cdn, { headers: { Range: 'bytes=100-' } })).status).toBe(416);
    const stale = await fetch(cdn, { headers: { Range: 'bytes=10-', 'If-Range': '"old"' } });
    expect(stale.status).toBe(200);
    expect((await stale.arrayBuffer()).byteLength).toBe(100);
  });

  it('answers like HF when the token, repo, revision or file is wrong', async () => {
    const noToken = await fetch(`${hf.url}/api/models/o/r/tree/main`);
    expect(noToken.status).toBe(401);
    const repo = await fetch(`${hf.url}/x/y/resolve/main/a.gguf`, { headers: auth });
    expect([repo.status, repo.headers.get('x-error-code'), await repo.json()]).toEqual([
      404,
      'RepoNotFound',
      { error: 'Repository not found' },
    ]);
    const rev = await fetch(`${hf.url}/o/r/resolve/v2/a.Q4_0.gguf`, { headers: auth });
    expect(rev.headers.get('x-error-code')).toBe('RevisionNotFound');
    const file = await fetch(`${hf.url}/o/r/resolve/main/zz.gguf`, { headers: auth });
    expect([file.status, await file.json()]).toEqual([404, { error: 'Entry not found' }]);
  });

  it('drops the next transfer after exactly the bytes asked', async () => {
    hf.cutNext(42);
    const res = await fetch(`${hf.url}/cdn/${sha}`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let got = 0;
    const err = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        got += value.byteLength;
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(got).toBe(42);
  });
});
