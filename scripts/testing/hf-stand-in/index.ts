/**
 * A Hugging Face stand-in for tests: the documented parts of the Hub that a model download uses,
 * reached through HF_ENDPOINT exactly as huggingface.co would be.
 *
 * - `GET|HEAD /{org}/{repo}/resolve/{rev}/{file}` → 302 to `/cdn/{sha256}` (HF redirects LFS files
 *   to its CDN) with `X-Linked-Etag`, `X-Linked-Size`, `X-Repo-Commit`, `ETag` (the pointer's oid)
 * - `GET|HEAD /cdn/{sha256}` → the bytes, with ETag, Accept-Ranges, Range → 206, 416, If-Range
 * - `GET /api/models/{org}/{repo}/tree/{rev}[/{dir}][?recursive=true]` → ListFileEntry[]
 * - 401 without the bearer token when `requiredToken` is set; 404s with HF's bodies and
 *   `X-Error-Code` (RepoNotFound, RevisionNotFound, EntryNotFound)
 * - a mirror that sends clients elsewhere (`treeNextLink`, `treeRedirectTo`): what a token must
 *   never follow
 *
 * Plain node:http rather than fastify: the fault injection (dropping a connection after exactly
 * N bytes, throttling) works on the socket, below what a framework exposes.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CatalogFile, CatalogRepo, RepoSpec } from './catalog';
import { buildCatalog, treeEntries } from './catalog';
import type { TransferFaults } from './serve-file';
import { serveFile } from './serve-file';

export type { FileSpec, RepoSpec, TreeEntry } from './catalog';

export interface HfStandInOptions {
  repos: Record<string, RepoSpec>;
  /** When set, the API and resolve endpoints answer 401 unless `Authorization: Bearer <it>`. */
  requiredToken?: string;
  /** Throttle every file transfer to this rate (to watch progress or abort midway). */
  bytesPerSec?: number;
  /** Address to listen on (default 127.0.0.1); a test host's `gateway` makes it reachable there. */
  listenHost?: string;
  /** Every tree answer also carries `Link: <this>; rel="next"` (pagination pointing elsewhere). */
  treeNextLink?: string;
  /** Every tree request is answered 307 to the same path and query on this origin. */
  treeRedirectTo?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface HfStandIn {
  /** The value for HF_ENDPOINT, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Every request seen, in order. */
  requests: RecordedRequest[];
  /** The next file transfer drops its connection after this many body bytes. */
  cutNext(bytes: number): void;
  setThrottle(bytesPerSec: number | undefined): void;
  /** The sha256 each served file is advertised with, by `org/repo/path`. */
  sha256(repo: string, path: string): string;
  stop(): Promise<void>;
}

function sendError(res: ServerResponse, status: number, code: string, error: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'X-Error-Code': code });
  res.end(JSON.stringify({ error }));
}

export async function startHfStandIn(options: HfStandInOptions): Promise<HfStandIn> {
  const catalog = await buildCatalog(options.repos);
  const byOid = new Map<string, CatalogFile>();
  for (const repo of catalog.values()) for (const f of repo.files.values()) byOid.set(f.sha256, f);
  const requests: RecordedRequest[] = [];
  let pendingCut: number | undefined;
  let bytesPerSec = options.bytesPerSec;

  /** Repo and revision from the path segments, or an HF-style 401/404 already sent. */
  function findRepo(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    rev: string,
  ): CatalogRepo | undefined {
    if (options.requiredToken && req.headers.authorization !== `Bearer ${options.requiredToken}`) {
      sendError(res, 401, 'Unauthorized', 'Invalid credentials in Authorization header');
      return undefined;
    }
    const repo = catalog.get(name);
    if (!repo) return void sendError(res, 404, 'RepoNotFound', 'Repository not found');
    if (!repo.revisions.has(rev)) {
      return void sendError(res, 404, 'RevisionNotFound', `Invalid rev id: ${rev}`);
    }
    return repo;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = req.method ?? 'GET';
    requests.push({ method, path: url.pathname + url.search, headers: req.headers });
    if (method !== 'GET' && method !== 'HEAD') return sendError(res, 405, 'Method', 'GET only');
    const seg = url.pathname.split('/').slice(1).map(decodeURIComponent);

    if (seg[0] === 'cdn' && seg.length === 2) {
      const file = byOid.get(seg[1] ?? '');
      if (!file) return sendError(res, 404, 'EntryNotFound', 'Entry not found');
      const faults: TransferFaults = { bytesPerSec, cutAfter: undefined };
      if (method === 'GET' && pendingCut !== undefined) {
        faults.cutAfter = pendingCut;
        pendingCut = undefined;
      }
      return serveFile(req, res, file, faults);
    }

    if (seg[0] === 'api' && seg[1] === 'models' && seg[4] === 'tree' && seg.length >= 6) {
      if (options.treeRedirectTo) {
        res.writeHead(307, { Location: `${options.treeRedirectTo}${url.pathname}${url.search}` });
        return void res.end();
      }
      const repo = findRepo(req, res, `${seg[2]}/${seg[3]}`, seg[5] ?? '');
      if (!repo) return;
      const dir = seg.slice(6).join('/');
      const entries = treeEntries(repo, dir, url.searchParams.get('recursive') === 'true');
      if (dir !== '' && entries.length === 0) {
        return sendError(res, 404, 'EntryNotFound', `${dir} does not exist on "${seg[5]}"`);
      }
      res.writeHead(200, {
        'Content-Type': 'application/json',
        ...(options.treeNextLink ? { Link: `<${options.treeNextLink}>; rel="next"` } : {}),
      });
      res.end(JSON.stringify(entries));
      return;
    }

    if (seg[2] === 'resolve' && seg.length >= 5) {
      const repo = findRepo(req, res, `${seg[0]}/${seg[1]}`, seg[3] ?? '');
      if (!repo) return;
      const file = repo.files.get(seg.slice(4).join('/'));
      if (!file) return sendError(res, 404, 'EntryNotFound', 'Entry not found');
      res.writeHead(302, {
        Location: `http://${req.headers.host ?? '127.0.0.1'}/cdn/${file.sha256}`,
        ETag: `"${file.pointerOid}"`,
        'X-Linked-Etag': `"${file.sha256}"`,
        'X-Linked-Size': String(file.size),
        'X-Repo-Commit': repo.commit,
        'Content-Length': '0',
      });
      res.end();
      return;
    }
    sendError(res, 404, 'NotFound', 'Not found');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'Internal', String(err));
      else res.destroy();
    });
  });
  const listenHost = options.listenHost ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, listenHost, resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${listenHost}:${port}`,
    requests,
    cutNext(bytes) {
      pendingCut = bytes;
    },
    setThrottle(rate) {
      bytesPerSec = rate;
    },
    sha256(repo, path) {
      const file = catalog.get(repo)?.files.get(path);
      if (!file) throw new Error(`stand-in: no ${repo}/${path}`);
      return file.sha256;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      );
    },
  };
}
