import type { ServerResponse } from 'node:http';
import type { InferenceEvent } from '../../shared/inference';
import { WriteCoalescer } from '../../shared/coalescer';
import { encodeEvent, SSE_KEEPALIVE } from '../../shared/sse';

/** A comment line this often keeps idle timers on the way from closing a stream during a long prompt. */
const KEEPALIVE_MS = 15_000;

/**
 * Writes inference events as Server-Sent Events on a raw (hijacked) response, each as soon as it
 * comes (only events a few ms apart share a write, see WriteCoalescer). Reads the events to their end even after the client is
 * gone: the generation is aborted through `onClientGone`, and its last events are simply dropped.
 * Returns the last event (the terminal one), for the job's log line.
 */
export async function writeSse(
  res: ServerResponse,
  events: AsyncIterable<InferenceEvent>,
  onClientGone: () => void,
): Promise<InferenceEvent | undefined> {
  // Without this, Nagle's algorithm holds small token writes back until the previous one is acked.
  res.socket?.setNoDelay(true);
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  const send = new WriteCoalescer(sender(res));
  const onClose = () => {
    if (!res.writableFinished) onClientGone();
  };
  res.on('close', onClose);
  const keepalive = setInterval(() => send.push(SSE_KEEPALIVE), KEEPALIVE_MS);
  let last: InferenceEvent | undefined;
  try {
    for await (const event of events) {
      // No backpressure handling: a stream is bounded by max_tokens (a few hundred KiB at most).
      send.push(encodeEvent(event));
      last = event;
    }
    send.flush();
    return last;
  } finally {
    send.dispose();
    clearInterval(keepalive);
    res.off('close', onClose);
    if (!res.destroyed) res.end();
  }
}

/**
 * Per-token cost matters here (a tiny model makes thousands of tokens per second). Node's
 * `res.write` on a chunked response corks the socket, makes four buffered writes and a writev on
 * the next tick: ~25 µs per event here. Writing each event as one ready-framed chunk straight to the
 * socket costs ~11 µs. `res.end()` still writes the closing chunk, so Node's view stays right.
 * A response that is not chunked (an HTTP/1.0 client) takes the plain path.
 */
function sender(res: ServerResponse): (text: string) => void {
  const socket = res.socket;
  const chunked = (res as ServerResponse & { chunkedEncoding?: boolean }).chunkedEncoding === true;
  if (socket === null || !chunked) {
    return (text) => {
      if (!res.destroyed) res.write(text);
    };
  }
  return (text) => {
    if (!socket.destroyed) {
      socket.write(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`);
    }
  };
}
