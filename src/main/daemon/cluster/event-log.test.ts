import { describe, expect, it } from 'vitest';
import type { InferenceEvent } from '../../../shared/inference';
import { EventLog } from './event-log';

const token = (i: number): InferenceEvent => ({ type: 'token', data: { t: `t${i}`, i } });
const end: InferenceEvent = {
  type: 'end',
  data: { tokens_out: 2, decode_time_ms: 1, stop_reason: 'eos', prompt_tokens: 1 },
};

async function drain(iterable: AsyncIterable<InferenceEvent>): Promise<string[]> {
  const ids: string[] = [];
  for await (const event of iterable) ids.push(`${event.id}:${event.type}`);
  return ids;
}

describe('EventLog', () => {
  it('numbers events, replays the backlog, then follows live until the terminal event', async () => {
    const log = new EventLog();
    log.append(token(0));
    const followed = drain(log.subscribe());
    log.append(token(1));
    log.append(end);
    expect(await followed).toEqual(['1:token', '2:token', '3:end']);
    expect(log.finished).toBe(true);
    expect(log.subscriberCount).toBe(0);
  });

  it('accepts exactly one terminal event', async () => {
    const log = new EventLog();
    log.append(end);
    log.append({ type: 'error', data: { code: 'CANCELLED', message: 'late' } });
    log.append(token(9));
    expect(await drain(log.subscribe())).toEqual(['1:end']);
  });

  it('resumes after Last-Event-ID, also past the end', async () => {
    const log = new EventLog();
    [token(0), token(1), end].forEach((event) => log.append(event));
    expect(await drain(log.subscribe('1'))).toEqual(['2:token', '3:end']);
    expect(await drain(log.subscribe('3'))).toEqual([]);
    expect(await drain(log.subscribe('99'))).toEqual([]);
    expect(await drain(log.subscribe('garbage'))).toEqual(['1:token', '2:token', '3:end']);
  });

  it('stops following when its signal aborts', async () => {
    const log = new EventLog();
    log.append(token(0));
    const abort = new AbortController();
    const followed = drain(log.subscribe(undefined, abort.signal));
    // A turn of the event loop: every microtask ran, the follower waits for a live event.
    await new Promise((resolve) => setImmediate(resolve));
    abort.abort();
    expect(await followed).toEqual(['1:token']);
    expect(log.subscriberCount).toBe(0);
  });
});
