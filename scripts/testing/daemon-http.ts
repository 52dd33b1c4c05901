/** HTTP to a test daemon beyond `call`: an SSE endpoint read to its end, a streamed upload. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request } from 'node:http';
import { decodeSse, type SseMessage } from '../../src/shared/sse';
import type { DaemonProcess } from './daemon-process';

/** An SSE endpoint's events until it ends (or `until` says stop). */
export async function daemonSse(
  daemon: DaemonProcess,
  path: string,
  until?: (m: SseMessage) => boolean,
): Promise<SseMessage[]> {
  const response = await fetch(`${daemon.url}${path}`, {
    headers: { authorization: `Bearer ${daemon.token}` },
  });
  if (response.status !== 200)
    throw new Error(`${path}: ${response.status} ${await response.text()}`);
  const messages: SseMessage[] = [];
  for await (const message of decodeSse(response.body as AsyncIterable<Uint8Array>)) {
    messages.push(message);
    if (until?.(message)) break;
  }
  return messages;
}

/** Reads an SSE endpoint into `into` until it ends or `signal` aborts; resumes after `lastEventId`. */
export async function followSse(
  daemon: DaemonProcess,
  path: string,
  into: SseMessage[],
  options: { signal: AbortSignal; lastEventId?: string },
): Promise<void> {
  const { signal, lastEventId } = options;
  const response = await fetch(`${daemon.url}${path}`, {
    headers: {
      authorization: `Bearer ${daemon.token}`,
      ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
    },
    signal,
  });
  for await (const m of decodeSse(response.body as AsyncIterable<Uint8Array>)) into.push(m);
}

/** PUT a file's bytes to `target` (a path of the daemon's); `cutAfter` sends that many bytes of it and drops the connection. */
export function putFile(
  daemon: DaemonProcess,
  target: string,
  path: string,
  cutAfter?: number,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    void stat(path).then(({ size }) => {
      const req = request(`${daemon.url}${target}`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${daemon.token}`,
          'content-type': 'application/octet-stream',
          'content-length': size,
        },
      });
      req.once('response', (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      if (cutAfter === undefined) {
        // A refused body is answered at its first bytes and the connection closed: writing the
        // rest may then fail (EPIPE) before the answer is read. Only no answer at all is an error.
        req.once('error', (err) => setTimeout(() => reject(err), 2000).unref());
        createReadStream(path).pipe(req);
        return;
      }
      req.once('error', () => resolve({ status: 0, body: 'cut' }));
      const stream = createReadStream(path, { end: cutAfter - 1 });
      stream.on('data', (chunk) => req.write(chunk));
      stream.once('end', () => setTimeout(() => req.destroy(), 200));
    }, reject);
  });
}
