/**
 * The one Server-Sent Events responder, for the daemon's streams (`rbees-orcd`) and the worker's
 * `POST /execute` (`rbees-workerd`). Both once had their own; the differences are options now:
 * what each side sends in its headers, and what happens to the producer when the client goes.
 */
import { once } from 'node:events';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { WriteCoalescer } from '../../shared/coalescer';
import { SSE_KEEPALIVE } from '../../shared/sse';

/** A comment line this often keeps idle timers on the way from closing a stream during a long prompt. */
const KEEPALIVE_MS = 15_000;

export interface SseStreamOptions {
  /** Sent besides `content-type` and `x-accel-buffering: no` (cache-control, security headers). */
  headers?: OutgoingHttpHeaders;
  /**
   * What happens to the producer when the client goes before the stream ended. `stop` (the
   * default) stops reading it at its next item, so its generator's `finally` runs; an error it
   * throws then is dropped (nobody is left to tell). `drain` reads it to its end and drops what it
   * yields: a generation aborted through the signal still ends with its terminal event, which
   * rbees-workerd's job log line reports; an error is thrown as any other.
   */
  afterClientGone?: 'stop' | 'drain';
  /**
   * For a stream of another framing over the same machinery: NDJSON (Ollama's API) is
   * `application/x-ndjson` and has no comment line to keep a stream alive with (null: none).
   */
  contentType?: string;
  keepalive?: string | null;
}

/**
 * Streams `produce`'s items, each written as it comes (Nagle off; only items a few ms apart share
 * a write, see WriteCoalescer), on a raw response nobody else writes to (a hijacked reply). A
 * reader that does not keep up holds the producer back rather than filling memory. The signal
 * handed to `produce` aborts when the client goes before the end, and when the producer fails,
 * so that the work behind the stream stops too; after a complete stream it never aborts.
 * Resolves once the response is ended; a producer's error is thrown after that.
 */
export async function streamSse<T>(
  res: ServerResponse,
  produce: (signal: AbortSignal) => AsyncIterable<T>,
  encode: (item: T) => string,
  options: SseStreamOptions = {},
): Promise<void> {
  const drain = options.afterClientGone === 'drain';
  const gone = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) gone.abort();
  };
  res.on('close', onClose);
  // Without this, Nagle's algorithm holds small token writes back until the previous one is acked.
  res.socket?.setNoDelay(true);
  res.writeHead(200, {
    'content-type': options.contentType ?? 'text/event-stream; charset=utf-8',
    'x-accel-buffering': 'no',
    ...options.headers,
  });
  res.flushHeaders();
  const write = chunkWriter(res);
  let draining: Promise<unknown> | undefined;
  const coalescer = new WriteCoalescer((text) => {
    if (write(text)) return;
    // Settles on drain or when the client goes (then the loop below stops or drops the rest).
    draining ??= once(res.socket ?? res, 'drain', { signal: gone.signal }).catch(() => undefined);
  });
  const beat = options.keepalive === undefined ? SSE_KEEPALIVE : options.keepalive;
  const keepalive =
    beat === null ? undefined : setInterval(() => coalescer.push(beat), KEEPALIVE_MS);
  let ended = false;
  try {
    for await (const item of produce(gone.signal)) {
      const text = encode(item);
      if (gone.signal.aborted) {
        if (drain) continue;
        break;
      }
      coalescer.push(text);
      if (draining) await draining.finally(() => (draining = undefined));
    }
    if (!gone.signal.aborted) coalescer.flush();
    ended = true;
  } catch (err) {
    if (drain || !gone.signal.aborted) throw err;
  } finally {
    res.off('close', onClose);
    if (!ended) gone.abort();
    coalescer.dispose();
    clearInterval(keepalive);
    if (!res.destroyed) res.end();
  }
}

/**
 * The per-item write; its cost matters (a tiny model makes thousands of tokens per second).
 * Node's `res.write` on a chunked response corks the socket, makes four buffered writes and a
 * writev on the next tick: ~25 µs per event here. Writing each event as one ready-framed HTTP
 * chunk straight to the socket costs ~11 µs. `res.end()` still writes the closing chunk, so Node's
 * view stays right. A response that is not chunked (an HTTP/1.0 client) takes the plain path.
 * Returns false when the socket's buffer is full.
 */
function chunkWriter(res: ServerResponse): (text: string) => boolean {
  const socket = res.socket;
  const chunked = (res as ServerResponse & { chunkedEncoding?: boolean }).chunkedEncoding === true;
  if (!socket || !chunked) return (text) => res.destroyed || res.write(text);
  return (text) =>
    socket.destroyed || socket.write(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`);
}
