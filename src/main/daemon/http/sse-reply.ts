import type { FastifyReply, FastifyRequest } from 'fastify';
import { streamSse, type SseStreamOptions } from '../../../node/http/sse-stream';
import { SECURITY_HEADERS } from './security';

/**
 * Streams Server-Sent Events on a fastify reply (see streamSse: written as they come, slow
 * readers get backpressure, and a closed connection aborts the signal handed to `produce`, which
 * is then read no further). A failure while the client is still there is logged; the stream ends.
 */
export async function sendSse(
  request: FastifyRequest,
  reply: FastifyReply,
  produce: (signal: AbortSignal) => AsyncIterable<string>,
  framing: Pick<SseStreamOptions, 'contentType' | 'keepalive'> = {},
): Promise<void> {
  reply.hijack();
  try {
    await streamSse(reply.raw, produce, (text) => text, {
      ...framing,
      headers: {
        ...SECURITY_HEADERS,
        'cache-control': 'no-cache, no-transform',
        'x-correlation-id': request.id,
      },
    });
  } catch (err) {
    request.log.warn({ err }, 'event stream failed');
  }
}
