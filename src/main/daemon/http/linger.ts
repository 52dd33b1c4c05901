import type { IncomingMessage, ServerResponse } from 'node:http';

/** How long a refused body is read and dropped before its connection is closed. */
const LINGER_MS = 5000;

/**
 * For a request refused before its body was read to the end (an upload that is not GGUF): the
 * answer goes out, then the rest of the body is read and dropped, for at most LINGER_MS, before
 * the connection is closed. Closing at once (`connection: close`) resets a connection the client
 * is still writing on, and its failed write can end its request before it has read the answer:
 * the client sees EPIPE instead of why (nginx's "lingering close" exists for the same reason).
 * A body that ends in time leaves the connection usable for the next request.
 */
export function lingerAfterRefusal(request: IncomingMessage, response: ServerResponse): void {
  response.once('finish', () => {
    if (request.complete) return;
    const timer = setTimeout(() => request.socket.destroy(), LINGER_MS);
    timer.unref();
    request.once('end', () => clearTimeout(timer));
    request.once('close', () => clearTimeout(timer));
    request.resume();
  });
}
