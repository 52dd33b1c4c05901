import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { RbeesError } from '../../shared/errors';
import type { ErrorBody, InferenceEvent, TaskRequest } from '../../shared/sdk';
import { chatSlice, selectActive, type ChatState } from './chat-slice';
import { createStreamDriver } from './stream-driver';

/** A stand-in for the SDK: yields pushed events, ends on a terminal one or on abort. */
function fakeClient() {
  const requests: TaskRequest[] = [];
  const pending: InferenceEvent[] = [];
  let wake: (() => void) | undefined;
  let cancelled = false;
  let failWith: Error | undefined;
  const client = {
    async *enqueueStream(request: TaskRequest, options: { signal?: AbortSignal } = {}) {
      requests.push(request);
      if (failWith) throw failWith;
      try {
        for (;;) {
          while (pending.length === 0) {
            if (options.signal?.aborted) throw new DOMException('aborted', 'AbortError');
            await new Promise<void>((resolve) => {
              wake = resolve;
              options.signal?.addEventListener('abort', () => resolve(), { once: true });
            });
          }
          const event = pending.shift() as InferenceEvent;
          yield event;
          if (event.type === 'end' || event.type === 'error') return;
        }
      } finally {
        if (options.signal?.aborted) cancelled = true;
      }
    },
  };
  return {
    client,
    requests,
    push: (...events: InferenceEvent[]) => {
      pending.push(...events);
      wake?.();
    },
    failNext: (err: Error) => (failWith = err),
    wasCancelled: () => cancelled,
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup() {
  const store = createStore<ChatState>()(chatSlice);
  store.getState().updateSettings({ model: 'script', temperature: 0.2, maxTokens: 64 });
  const fake = fakeClient();
  const settled: (ErrorBody | undefined)[] = [];
  let clock = 0;
  const driver = createStreamDriver({
    store,
    client: () => fake.client,
    schedule: (run) => {
      const timer = setTimeout(run, 0);
      return () => clearTimeout(timer);
    },
    now: () => (clock += 10),
    onSettled: (error) => settled.push(error),
  });
  const reply = () => selectActive(store.getState())?.messages.at(-1);
  return { store, fake, driver, settled, reply };
}

const started: InferenceEvent = {
  type: 'started',
  data: { job_id: 'j', model: 'script', started_at: 'now', host: 'gpu-box', worker_id: 'w1' },
};
const token = (t: string, i: number): InferenceEvent => ({ type: 'token', data: { t, i } });

describe('stream driver', () => {
  it('streams a reply into the store with its stats', async () => {
    const { fake, driver, settled, reply } = setup();
    expect(driver.send('  Hi  ')).toBe(true);
    expect(fake.requests[0]).toEqual({
      model: 'script',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 64,
      temperature: 0.2,
    });
    fake.push(started, token('Hel', 0), token('lo', 1));
    fake.push({
      type: 'metrics',
      data: {
        tokens_out: 2,
        tokens_per_sec: 40,
        decode_time_ms: 50,
        time_to_first_token_ms: 12,
        prompt_tokens: 3,
      },
    });
    fake.push({
      type: 'end',
      data: { tokens_out: 2, decode_time_ms: 50, stop_reason: 'eos', prompt_tokens: 3 },
    });
    await tick();
    await tick();
    expect(reply()).toMatchObject({
      content: 'Hello',
      status: 'done',
      stats: {
        model: 'script',
        host: 'gpu-box',
        worker: 'w1',
        ttft_ms: 12,
        tokens_per_sec: 40,
        stop_reason: 'eos',
      },
    });
    expect(settled).toEqual([undefined]);
  });

  it('stops at once, keeps the partial reply and aborts the stream', async () => {
    const { fake, driver, reply, store } = setup();
    driver.send('Hi');
    fake.push(started, token('Part', 0));
    await tick();
    await tick();
    driver.stop();
    expect(reply()).toMatchObject({ content: 'Part', status: 'stopped' });
    fake.push(token('late', 1));
    await tick();
    await tick();
    expect(reply()?.content).toBe('Part');
    expect(fake.wasCancelled()).toBe(true);
    // A new message can go out once stopped.
    expect(driver.send('Next')).toBe(true);
    expect(selectActive(store.getState())?.messages).toHaveLength(4);
  });

  it('refuses a second message while a reply streams', () => {
    const { driver } = setup();
    expect(driver.send('one')).toBe(true);
    expect(driver.send('two')).toBe(false);
    expect(driver.regenerate()).toBe(false);
  });

  it('shows an error event inline and reports it', async () => {
    const { fake, driver, reply, settled } = setup();
    driver.send('Hi');
    const error = { code: 'MODEL_LOAD_FAILED' as const, message: 'not a GGUF file' };
    fake.push({ type: 'error', data: error });
    await tick();
    expect(reply()).toMatchObject({ status: 'error', error });
    expect(settled).toEqual([error]);
  });

  it('turns a thrown SDK error into an inline error', async () => {
    const { fake, driver, reply } = setup();
    fake.failNext(new RbeesError('DAEMON_UNREACHABLE', 'Cannot reach the rbees daemon'));
    driver.send('Hi');
    await tick();
    expect(reply()?.status).toBe('error');
    expect(reply()?.error?.code).toBe('DAEMON_UNREACHABLE');
  });

  it('regenerates the last reply with the same history', async () => {
    const { fake, driver, store } = setup();
    driver.send('Hi');
    fake.push(token('A', 0), {
      type: 'end',
      data: { tokens_out: 1, decode_time_ms: 10, stop_reason: 'eos', prompt_tokens: 1 },
    });
    await tick();
    await tick();
    expect(driver.regenerate()).toBe(true);
    const messages = selectActive(store.getState())?.messages ?? [];
    expect(messages.map((m) => [m.role, m.status])).toEqual([
      ['user', 'done'],
      ['assistant', 'streaming'],
    ]);
    expect(fake.requests[1]?.messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  it('does not send without a model or text', () => {
    const { driver, store } = setup();
    expect(driver.send('   ')).toBe(false);
    store.getState().updateSettings({ model: '' });
    expect(driver.send('Hi')).toBe(false);
  });
});
