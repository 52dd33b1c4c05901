import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RbeesError } from '../../../shared/errors';
import { hfAuth, hfRequest, responseError, TransientError } from './hf-http';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('hfRequest', () => {
  const seen: { server: string; headers: IncomingHttpHeaders }[] = [];
  let hub: Server;
  let cdn: Server;
  let hubUrl: string;
  let cdnUrl: string;
  beforeAll(async () => {
    // 127.0.0.1 and localhost are different origins: enough to stand for huggingface.co → CDN.
    cdn = createServer((req, res) => {
      seen.push({ server: 'cdn', headers: req.headers });
      res.end('bytes');
    });
    cdnUrl = (await listen(cdn)).replace('127.0.0.1', 'localhost');
    hub = createServer((req, res) => {
      seen.push({ server: 'hub', headers: req.headers });
      if (req.url === '/same') res.writeHead(302, { Location: '/final' }).end();
      else if (req.url === '/loop') res.writeHead(302, { Location: '/loop' }).end();
      else if (req.url === '/final') res.end('here');
      else res.writeHead(302, { Location: `${cdnUrl}/signed?x=1` }).end();
    });
    hubUrl = await listen(hub);
  });
  afterAll(async () => {
    for (const s of [hub, cdn]) {
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    }
  });

  it('sends the token to the endpoint, not to a CDN on another origin', async () => {
    seen.length = 0;
    const { res, finalUrl } = await hfRequest({
      url: `${hubUrl}/file`,
      auth: hfAuth(hubUrl, 'hf_x'),
    });
    res.resume();
    expect(finalUrl).toBe(`${cdnUrl}/signed?x=1`);
    expect(seen.map((s) => [s.server, s.headers.authorization])).toEqual([
      ['hub', 'Bearer hf_x'],
      ['cdn', undefined],
    ]);
  });

  it('keeps the token on a same-origin redirect, and stops a redirect loop', async () => {
    seen.length = 0;
    const { res } = await hfRequest({ url: `${hubUrl}/same`, auth: hfAuth(hubUrl, 'hf_x') });
    res.resume();
    expect(seen.map((s) => s.headers.authorization)).toEqual(['Bearer hf_x', 'Bearer hf_x']);
    await expect(hfRequest({ url: `${hubUrl}/loop`, auth: undefined })).rejects.toThrow(
      'more than 5 redirects',
    );
  });
});

describe('responseError', () => {
  async function errorFor(status: number, body: string, headers: Record<string, string> = {}) {
    const server = createServer((_req, res) => res.writeHead(status, headers).end(body));
    const url = await listen(server);
    const { res } = await hfRequest({ url, auth: undefined });
    const err = await responseError(res, 'o/r', undefined);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    return err;
  }

  it('tells missing, forbidden and failing servers apart', async () => {
    const missing = await errorFor(404, '{"error":"Entry not found"}', {
      'X-Error-Code': 'EntryNotFound',
    });
    expect(missing).toBeInstanceOf(RbeesError);
    expect((missing as RbeesError).code).toBe('MODEL_NOT_FOUND');
    expect(missing.message).toBe('o/r: not found on Hugging Face (Entry not found).');
    const gated = await errorFor(403, 'Access to model o/r is restricted');
    expect(gated.message).toContain('set HF_TOKEN');
    expect(await errorFor(503, 'busy')).toBeInstanceOf(TransientError);
    expect(await errorFor(429, 'slow down')).toBeInstanceOf(TransientError);
  });
});
