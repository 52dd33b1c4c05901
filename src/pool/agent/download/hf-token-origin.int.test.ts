import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels } from '../../../../scripts/test-models';
import { startHfStandIn, type HfStandIn } from '../../../../scripts/testing/hf-stand-in';
import { RbeesError } from '../../../shared/errors';
import { downloadModel } from './download-model';
import { hfAuth } from './hf-http';
import { TINY_FILE, TINY_REPO } from '../../../../scripts/testing/download-fixture';

const TOKEN = 'hf_only_for_the_endpoint';

/**
 * Another origin a mirror may point at: it records what it is sent and answers tree pages (an
 * empty list, the first one with a relative `rel="next"`, as a paginating server would).
 */
async function startElsewhere(): Promise<{ url: string; seen: string[]; server: Server }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.url ?? ''} ${req.headers.authorization ?? '(no authorization)'}`);
    const first = !(req.url ?? '').includes('cursor=');
    res.writeHead(200, {
      'Content-Type': 'application/json',
      ...(first ? { Link: '<?cursor=2>; rel="next"' } : {}),
    });
    res.end('[]');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // localhost, not 127.0.0.1: another origin on this machine, as a CDN or a foreign host would be.
  return { url: `http://localhost:${(server.address() as AddressInfo).port}`, seen, server };
}

describe('HF_TOKEN goes to the configured endpoint only', () => {
  let tiny: string;
  const cleanup: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    tiny = (await ensureTestModels()).tiny;
  });
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function setUp(mirror: (elsewhere: string) => { next?: string; redirect?: string }) {
    const elsewhere = await startElsewhere();
    cleanup.push(async () => {
      elsewhere.server.closeAllConnections();
      await new Promise((resolve) => elsewhere.server.close(resolve));
    });
    const faults = mirror(elsewhere.url);
    const hf: HfStandIn = await startHfStandIn({
      repos: { [TINY_REPO]: { files: { [TINY_FILE]: tiny } } },
      requiredToken: TOKEN,
      ...(faults.next ? { treeNextLink: faults.next } : {}),
      ...(faults.redirect ? { treeRedirectTo: faults.redirect } : {}),
    });
    cleanup.push(() => hf.stop());
    const modelsDir = await mkdtemp(join(tmpdir(), 'rbees-token-origin-'));
    cleanup.push(() => rm(modelsDir, { recursive: true, force: true }));
    const download = downloadModel('tinyllama', {
      modelsDir,
      endpoint: hf.url,
      token: TOKEN,
      retryDelayMs: 10,
    });
    return { hf, elsewhere, download };
  }

  it('does not follow a rel="next" link to another origin with it', async () => {
    const { hf, elsewhere, download } = await setUp((other) => ({
      next: `${other}/api/models/${TINY_REPO}/tree/main?cursor=2`,
    }));
    const result = await download;
    expect(result.file).toBe(TINY_FILE);
    // The endpoint's own requests carry it (the stand-in answers 401 otherwise)...
    expect(hf.requests.filter((r) => !r.path.startsWith('/cdn/')).length).toBeGreaterThan(0);
    for (const r of hf.requests) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
    // ...the other origin was asked for the page, without it.
    expect(elsewhere.seen).toEqual([
      `/api/models/${TINY_REPO}/tree/main?cursor=2 (no authorization)`,
    ]);
  });

  it('does not send it to a page linked from where a redirect led', async () => {
    const { elsewhere, download } = await setUp((other) => ({ redirect: other }));
    // The other origin's tree is empty: nothing to download, and nothing of ours sent there.
    const err: unknown = await download.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RbeesError);
    expect((err as RbeesError).code).toBe('MODEL_NOT_FOUND');
    expect(elsewhere.seen).toEqual([
      `/api/models/${TINY_REPO}/tree/main (no authorization)`,
      `/api/models/${TINY_REPO}/tree/main?cursor=2 (no authorization)`,
    ]);
  });

  it('is pinned to an http(s) endpoint, and refused with another kind of endpoint', () => {
    expect(hfAuth('https://huggingface.co/', 't')).toEqual({
      token: 't',
      origin: 'https://huggingface.co',
    });
    expect(hfAuth('https://huggingface.co', undefined)).toBeUndefined();
    expect(() => hfAuth('file:///srv/hub', 't')).toThrow(/HF_ENDPOINT="file:\/\/\/srv\/hub"/);
    expect(() => hfAuth('huggingface.co', 't')).toThrow(/not an http\(s\) URL/);
  });
});
