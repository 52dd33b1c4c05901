import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WriteCoalescer } from '../../../shared/coalescer';
import { SSE_KEEPALIVE } from '../../../shared/sse';
import { SECURITY_HEADERS } from './security';

const KEEPALIVE_MS = 15_000;

/**
 * Streams Server-Sent Events on a raw reply: each chunk is written as it comes (Nagle off; only
 * events a few ms apart share a write, see WriteCoalescer), slow readers get backpressure, and a closed connection aborts the signal handed to
 * `produce` so that the work behind the stream stops too.
 */
export async function sendSse(
  request: FastifyRequest,
  reply: FastifyReply,
  produce: (signal: AbortSignal) => AsyncIterable<string>,
): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  const closed = new AbortController();
  res.on('close', () => closed.abort());
  request.raw.socket.setNoDelay(true);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
    'x-correlation-id': request.id,
  });
  res.flushHeaders();
  const write = chunkWriter(res);
  let draining: Promise<unknown> | undefined;
  const coalescer = new WriteCoalescer((text) => {
    // A socket that fails or closes rejects this wait, and a flush from a timer sets it while
    // nobody awaits it: unhandled, that ended the daemon. A closed reader ends the loop anyway.
    if (write(text)) return;
    draining = once(res.socket ?? res, 'drain', { signal: closed.signal }).catch(() => undefined);
  });
  const keepalive = setInterval(() => coalescer.push(SSE_KEEPALIVE), KEEPALIVE_MS);
  try {
    for await (const chunk of produce(closed.signal)) {
      if (closed.signal.aborted) break;
      coalescer.push(chunk);
      // A reader that does not keep up holds the producer back rather than filling memory.
      if (draining) await draining.finally(() => (draining = undefined));
    }
    if (!closed.signal.aborted) coalescer.flush();
  } catch (err) {
    if (!closed.signal.aborted) request.log.warn({ err }, 'event stream failed');
  } finally {
    coalescer.dispose();
    clearInterval(keepalive);
    if (!res.destroyed) res.end();
  }
}

/**
 * The per-token write. Node's `res.write` on a chunked response corks the socket and makes a
 * writev of four buffers on the next tick; writing the event as one ready-framed HTTP chunk straight
 * to the socket costs about half the CPU (rbees-workerd measures the same). `res.end()` still sends
 * the closing chunk. A response that is not chunked (an HTTP/1.0 client) takes the plain path.
 */
function chunkWriter(res: ServerResponse): (text: string) => boolean {
  const socket = res.socket;
  const chunked = (res as ServerResponse & { chunkedEncoding?: boolean }).chunkedEncoding === true;
  if (!socket || !chunked) return (text) => res.destroyed || res.write(text);
  return (text) =>
    socket.destroyed || socket.write(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`);
}
