import { describe, expect, it } from 'vitest';
import { RbeesError } from '../errors';
import { Client } from './client';

/** A fetch that never answers, as a suspended daemon does, but honours its signal. */
const silentFetch: typeof fetch = (_input, init) =>
  new Promise((_resolve, reject) => {
    init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error));
  });

describe('SDK client', () => {
  it('reports a daemon that does not answer as unreachable, naming it', async () => {
    const client = new Client('http://127.0.0.1:9/', {
      token: 't',
      fetch: silentFetch,
      timeoutMs: 20,
    });
    const failure = await client.models().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(RbeesError);
    expect((failure as RbeesError).code).toBe('DAEMON_UNREACHABLE');
    expect((failure as RbeesError).message).toContain('http://127.0.0.1:9 (no answer in time)');
  });

  it('lets the caller abort without calling it unreachable', async () => {
    const client = new Client('http://127.0.0.1:9', { fetch: silentFetch });
    const abort = new AbortController();
    const pending = client.enqueue(
      { model: 'm', prompt: 'p', max_tokens: 1 },
      { signal: abort.signal },
    );
    abort.abort();
    await expect(pending).rejects.not.toBeInstanceOf(RbeesError);
  });

  it('turns an error answer into an RbeesError with its code', async () => {
    const body = JSON.stringify({
      error: { code: 'MODEL_NOT_FOUND', message: 'Model "x" is not installed.' },
    });
    const client = new Client('http://daemon', {
      fetch: () => Promise.resolve(new Response(body, { status: 404 })),
    });
    await expect(client.models()).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
      message: 'Model "x" is not installed.',
    });
  });

  it('reports a stream cut mid-way as unreachable, and an abort mid-way as the abort', async () => {
    const frame = new TextEncoder().encode('event: snapshot\ndata: {}\n\n');
    const cutAfterOne = (): Response => {
      let sent = false;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent) return controller.error(new TypeError('network error'));
          sent = true;
          controller.enqueue(frame);
        },
      });
      return new Response(body);
    };
    const client = new Client('http://127.0.0.1:9', {
      fetch: () => Promise.resolve(cutAfterOne()),
    });
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const message of client.sse('/api/events')) seen.push(String(message.event));
    })().catch((err: unknown) => err);
    expect(seen).toEqual(['snapshot']);
    expect(failure).toMatchObject({ code: 'DAEMON_UNREACHABLE' });
    expect((failure as RbeesError).message).toContain(
      'http://127.0.0.1:9 (the connection dropped: TypeError: network error)',
    );

    const abort = new AbortController();
    const aborted = await (async () => {
      for await (const _message of client.sse('/api/events', { signal: abort.signal })) {
        abort.abort();
      }
    })().catch((err: unknown) => err);
    expect(aborted).not.toBeInstanceOf(RbeesError);
  });
});
