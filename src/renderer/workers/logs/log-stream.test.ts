import { describe, expect, it } from 'vitest';
import { encodeSse } from '../../../shared/sse';
import { LogBuffer } from './log-buffer';
import type { Scheduler } from '../../ui/frame-scheduler';
import { openLogStream, type LogStreamState } from './log-stream';

const soon: Scheduler = (run) => {
  const timer = setTimeout(run, 0);
  return () => clearTimeout(timer);
};

const log = (line: string) =>
  encodeSse({ event: 'log', data: JSON.stringify({ event: 'log', id: 'w1', line }) });
const end = (reason: string) =>
  encodeSse({ event: 'logs_end', data: JSON.stringify({ event: 'logs_end', id: 'w1', reason }) });

/** A response whose body is these SSE frames, split at odd places to exercise the decoder. */
function sse(frames: string[]): Response {
  const bytes = new TextEncoder().encode(frames.join(''));
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 37) controller.enqueue(bytes.slice(i, i + 37));
      controller.close();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

function start(responses: (() => Response)[], requests: string[] = []) {
  const buffer = new LogBuffer();
  const states: LogStreamState[] = [];
  const fetchImpl = (async (url: string, init?: RequestInit) => {
    requests.push(`${url} ${new Headers(init?.headers).get('authorization')}`);
    const next = responses.shift();
    if (!next) throw new TypeError('Failed to fetch');
    return next();
  }) as typeof fetch;
  const finished = new Promise<void>((resolve) => {
    openLogStream({
      host: 'gpu 1',
      workerId: 'w1',
      buffer,
      apiBase: 'http://127.0.0.1:1',
      token: 'secret',
      fetchImpl,
      schedule: soon,
      retryDelayMs: 1,
      onState: (state) => {
        states.push(state);
        if (state.status === 'ended' || state.status === 'error') setTimeout(resolve, 5);
      },
    });
  });
  return { buffer, states, finished };
}

describe('openLogStream', () => {
  it('streams lines into the buffer in batches and reports the end', async () => {
    const requests: string[] = [];
    const { buffer, states, finished } = start(
      [() => sse([...Array.from({ length: 500 }, (_, i) => log(`line ${i} ✓`)), end('eof')])],
      requests,
    );
    await finished;
    expect(requests).toEqual([
      'http://127.0.0.1:1/api/hosts/gpu%201/workers/w1/logs?lines=5000&follow=1 Bearer secret',
    ]);
    expect(buffer.size).toBe(500);
    expect(buffer.line(499)).toBe('line 499 ✓');
    // Far fewer buffer changes than lines.
    expect(buffer.version).toBeLessThan(10);
    expect(states.map((s) => s.status)).toEqual(['connecting', 'streaming', 'ended']);
    expect(states.at(-1)).toEqual({ status: 'ended', reason: 'eof' });
  });

  it('reports an error event and an error answer in words', async () => {
    const streamed = start([
      () =>
        sse([
          log('a'),
          encodeSse({
            event: 'error',
            data: JSON.stringify({ code: 'AGENT_FAILED', message: 'gpu1: rbees-pool crashed' }),
          }),
        ]),
    ]);
    await streamed.finished;
    expect(streamed.buffer.size).toBe(1);
    expect(streamed.states.at(-1)).toEqual({
      status: 'error',
      message: 'gpu1: rbees-pool crashed',
    });

    const refused = start([
      () =>
        Response.json(
          { error: { code: 'NOT_FOUND', message: 'No worker w1 on gpu1.' } },
          { status: 404 },
        ),
    ]);
    await refused.finished;
    expect(refused.states.at(-1)).toEqual({ status: 'error', message: 'No worker w1 on gpu1.' });
  });

  it('retries once after a drop, fills the gap without repeating lines, then gives up', async () => {
    const requests: string[] = [];
    const { buffer, states, finished } = start(
      [
        () => sse([log('a'), log('b'), log('c')]),
        // The log grew by d while disconnected: the last three lines are b, c, d.
        () => sse([log('b'), log('c'), log('d'), log('e')]),
      ],
      requests,
    );
    await finished;
    expect(buffer.tail(10)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(requests[1]).toContain('lines=3&follow=1');
    expect(states.map((s) => s.status)).toEqual([
      'connecting',
      'streaming',
      'connecting',
      'streaming',
      'error',
    ]);
    expect(states[2]).toEqual({ status: 'connecting', retrying: true });
    expect(states.at(-1)).toMatchObject({ message: expect.stringContaining('twice') as unknown });
  });
});
