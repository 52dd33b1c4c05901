import { once } from 'node:events';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SSE_KEEPALIVE } from '../../shared/sse';
import { SECURITY_HEADERS } from './security';

const KEEPALIVE_MS = 15_000;

/**
 * Streams Server-Sent Events on a raw reply: each chunk is written as it comes (no buffering,
 * Nagle off), slow readers get backpressure, and a closed connection aborts the signal handed to
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
    connection: 'keep-alive',
  });
  const keepalive = setInterval(() => res.write(SSE_KEEPALIVE), KEEPALIVE_MS);
  try {
    for await (const chunk of produce(closed.signal)) {
      if (closed.signal.aborted) break;
      if (!res.write(chunk)) await once(res, 'drain', { signal: closed.signal });
    }
  } catch (err) {
    if (!closed.signal.aborted) request.log.warn({ err }, 'event stream failed');
  } finally {
    clearInterval(keepalive);
    res.end();
  }
}
