/** The SSE responder over real HTTP: framing, backpressure, and both ways of ending early. */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../../scripts/testing/eventually';
import { streamSse, type SseStreamOptions } from './sse-stream';

let server: Server | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

type Produce = (signal: AbortSignal) => AsyncIterable<string>;

/** Serves every request with streamSse(produce); `done` settles with its outcome. */
async function serve(produce: Produce, options?: SseStreamOptions) {
  let settle: (outcome: unknown) => void = () => undefined;
  const done = new Promise((resolve) => (settle = resolve));
  server = createServer((_req, res: ServerResponse) => {
    streamSse(res, produce, (text) => text, options).then(
      () => settle('ended'),
      (err: unknown) => settle(err),
    );
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, done };
}

/** A raw client, so a test decides when (and whether) it reads. */
function client(port: number): Socket {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  return socket;
}

const received = (socket: Socket) => {
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
};

/** A client that reads up to the event `first`, then goes. */
async function leaveAfterFirst(port: number): Promise<void> {
  const socket = client(port);
  const text = received(socket);
  await eventually(
    async () => text(),
    (t) => t.includes('first'),
  );
  socket.destroy();
}

describe('streamSse', () => {
  it('writes each item as one HTTP chunk as it comes, with the caller’s headers', async () => {
    let next: () => void = () => undefined;
    const { port, done } = await serve(
      async function* () {
        yield 'data: a\n\n';
        await new Promise<void>((resolve) => (next = resolve));
        yield 'data: é\n\n';
      },
      { headers: { 'cache-control': 'no-cache' } },
    );
    const text = received(client(port));
    await eventually(
      async () => text(),
      (t) => t.includes('data: a'),
    );
    expect(text()).toMatch(/content-type: text\/event-stream; charset=utf-8/i);
    expect(text()).toMatch(/cache-control: no-cache\r\n/i);
    expect(text()).toMatch(/x-accel-buffering: no/i);
    expect(text()).toContain('9\r\ndata: a\n\n\r\n');
    next();
    expect(await done).toBe('ended');
    // 'é' is two bytes: the chunk size counts bytes, and the closing chunk follows.
    await eventually(
      async () => text(),
      (t) => t.endsWith('0\r\n\r\n'),
    );
    expect(text()).toContain('a\r\ndata: é\n\n\r\n0\r\n\r\n');
  });

  it('holds the producer back while the reader does not read', async () => {
    let pulled = 0;
    const big = `data: ${'x'.repeat(64 * 1024)}\n\n`;
    const { port } = await serve(async function* (signal) {
      while (!signal.aborted) {
        pulled += 1;
        yield big;
      }
    });
    const socket = client(port);
    socket.pause();
    // It stops once the socket buffers are full; without backpressure it never would.
    let before = -1;
    const settled = await eventually(
      async () => {
        const seen = before;
        before = pulled;
        await new Promise((resolve) => setTimeout(resolve, 100));
        return seen === pulled && pulled > 0;
      },
      (still) => still,
    );
    expect(settled).toBe(true);
    expect(pulled).toBeLessThan(2000); // 128 MiB: far more than any socket buffers
  });

  it('stops reading the producer when the client goes, and aborts its signal', async () => {
    let aborted = false;
    let finished = false;
    let yieldedAfter = 0;
    const { port, done } = await serve(async function* (signal) {
      try {
        yield 'data: first\n\n';
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        aborted = true;
        for (;;) {
          yieldedAfter += 1;
          yield 'data: more\n\n';
        }
      } finally {
        finished = true;
      }
    });
    await leaveAfterFirst(port);
    expect(await done).toBe('ended');
    expect({ aborted, finished, yieldedAfter }).toEqual({
      aborted: true,
      finished: true,
      yieldedAfter: 1,
    });
  });

  it('with afterClientGone "drain", reads the producer to its end after the client goes', async () => {
    const items: string[] = [];
    let release: (() => void) | undefined;
    const { port, done } = await serve(
      async function* (signal) {
        yield 'data: first\n\n';
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        await new Promise<void>((resolve) => (release = resolve));
        for (const item of ['data: a\n\n', 'data: end\n\n']) {
          items.push(item);
          yield item;
        }
      },
      { afterClientGone: 'drain' },
    );
    await leaveAfterFirst(port);
    await eventually(
      async () => release,
      (r) => r !== undefined,
    );
    release?.();
    expect(await done).toBe('ended');
    expect(items).toEqual(['data: a\n\n', 'data: end\n\n']);
  });

  it('aborts the signal and throws when the producer fails', async () => {
    let signal: AbortSignal | undefined;
    const { port, done } = await serve(async function* (s) {
      signal = s;
      yield 'data: first\n\n';
      throw new Error('the producer broke');
    });
    const text = received(client(port));
    expect(await done).toMatchObject({ message: 'the producer broke' });
    expect(signal?.aborted).toBe(true);
    // The response is still ended properly.
    await eventually(
      async () => text(),
      (t) => t.endsWith('0\r\n\r\n'),
    );
    expect(text()).toContain('data: first');
  });

  it('never aborts the signal after a complete stream', async () => {
    let signal: AbortSignal | undefined;
    const { port, done } = await serve(async function* (s) {
      signal = s;
      yield 'data: only\n\n';
    });
    const socket = client(port);
    const text = received(socket);
    expect(await done).toBe('ended');
    await eventually(
      async () => text(),
      (t) => t.endsWith('0\r\n\r\n'),
    );
    socket.destroy();
    await new Promise((resolve) => socket.once('close', resolve));
    expect(signal?.aborted).toBe(false);
  });
});
