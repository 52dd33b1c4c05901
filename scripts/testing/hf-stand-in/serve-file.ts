import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CatalogFile } from './catalog';

/** How one transfer misbehaves: drop the connection after `cutAfter` body bytes, throttle. */
export interface TransferFaults {
  cutAfter?: number;
  bytesPerSec?: number;
}

type Range = { start: number; end: number } | 'unsatisfiable' | undefined;

/** A single `bytes=a-b`, `bytes=a-` or `bytes=-n` range (HF's CDN accepts no more than one). */
export function parseRange(header: string | undefined, size: number): Range {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return 'unsatisfiable';
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return 'unsatisfiable';
  if (a === '') {
    const n = Number(b);
    return n === 0 ? 'unsatisfiable' : { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/**
 * Serves a file like a CDN: ETag, Accept-Ranges, 206 + Content-Range, 416 for a bad range,
 * If-Range honoured. Streamed from disk in 1 MiB reads, never held in memory.
 */
export async function serveFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: CatalogFile,
  faults: TransferFaults,
): Promise<void> {
  const etag = `"${file.sha256}"`;
  const ifRange = req.headers['if-range'];
  const rangeHeader = ifRange === undefined || ifRange === etag ? req.headers.range : undefined;
  const range = parseRange(rangeHeader, file.size);
  res.setHeader('ETag', etag);
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Type', 'application/octet-stream');
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'Content-Range': `bytes */${file.size}` }).end();
    return;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? file.size - 1;
  const length = Math.max(0, end - start + 1);
  if (range) res.setHeader('Content-Range', `bytes ${start}-${end}/${file.size}`);
  res.writeHead(range ? 206 : 200, { 'Content-Length': String(length) });
  if (req.method === 'HEAD' || length === 0) {
    res.end();
    return;
  }
  await streamBody(res, file.diskPath, start, end, faults);
}

async function streamBody(
  res: ServerResponse,
  path: string,
  start: number,
  end: number,
  faults: TransferFaults,
): Promise<void> {
  const { cutAfter, bytesPerSec } = faults;
  const chunkSize = bytesPerSec
    ? Math.max(1024, Math.min(1 << 20, Math.floor(bytesPerSec / 20)))
    : 1 << 20;
  const stream = createReadStream(path, { start, end, highWaterMark: chunkSize });
  let sent = 0;
  const began = Date.now();
  try {
    for await (const data of stream) {
      let chunk = data as Buffer;
      if (res.destroyed) return;
      const cut = cutAfter !== undefined && sent + chunk.length >= cutAfter;
      if (cut) chunk = chunk.subarray(0, cutAfter - sent);
      sent += chunk.length;
      if (cut) {
        // Only after the bytes reached the kernel, so the client sees exactly `cutAfter` bytes.
        await new Promise<void>((resolve) => res.write(chunk, () => resolve()));
        res.socket?.destroy();
        return;
      }
      if (!res.write(chunk)) await drained(res);
      if (bytesPerSec) {
        const due = began + (sent / bytesPerSec) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
      }
    }
    res.end();
  } finally {
    stream.destroy();
  }
}

/** Resolves on 'drain', or on 'close' when the client went away (no drain will come then). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
