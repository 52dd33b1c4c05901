/**
 * The Anthropic and Ollama streams end as their protocols say when things go wrong, with the
 * official clients: a client that leaves cancels its job and frees the slot (the next request is
 * served), and a worker killed mid-stream ends the stream with that protocol's own error (the
 * job fails WORKER_CRASHED). The slow script model makes "mid-stream" last long enough.
 */
import Anthropic from '@anthropic-ai/sdk';
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels, type TestModels } from '../../../../../scripts/test-models';
import {
  startDaemonProcess,
  type DaemonProcess,
} from '../../../../../scripts/testing/daemon-process';
import { eventually } from '../../../../../scripts/testing/eventually';
import { API } from '../../../../shared/api';
import type { WorkerInfo } from '../../../../shared/api';

let daemon: DaemonProcess;
let anthropic: Anthropic;
let ollama: Ollama;
let models: TestModels;

beforeAll(async () => {
  models = await ensureTestModels();
  daemon = await startDaemonProcess({
    models: [
      { path: models.scriptSlow, as: 'slow.gguf' },
      { path: models.script, as: 'script.gguf' },
    ],
  });
  anthropic = new Anthropic({ baseURL: daemon.url, apiKey: daemon.token, maxRetries: 0 });
  ollama = new Ollama({ host: daemon.url, headers: { Authorization: `Bearer ${daemon.token}` } });
});

afterAll(async () => {
  await daemon?.stop();
});

const ASK = [{ role: 'user' as const, content: 'Count.' }];

async function slowWorkers(): Promise<WorkerInfo[]> {
  const answer = await daemon.call('GET', API.workers);
  return (answer.json.workers as WorkerInfo[]).filter((w) => w.model === 'slow');
}
const busy = async () => (await slowWorkers()).reduce((sum, w) => sum + w.slots_busy, 0);

describe('a client that leaves', () => {
  it('cancels its Anthropic stream: the slot is free for the next message', async () => {
    const stream = anthropic.messages.stream({ model: 'slow', max_tokens: 400, messages: ASK });
    let deltas = 0;
    const read = async () => {
      for await (const event of stream) {
        if (event.type === 'content_block_delta' && ++deltas === 3) stream.abort();
      }
    };
    // The SDK throws its own abort error at the next read.
    await expect(read()).rejects.toBeInstanceOf(Anthropic.APIUserAbortError);
    expect(deltas).toBeLessThan(10);
    expect(await eventually(busy, (n) => n === 0)).toBe(0);
    const next = await anthropic.messages.create({ model: 'slow', max_tokens: 3, messages: ASK });
    expect(next.stop_reason).toBe('max_tokens');
  });

  it('cancels its Ollama stream: the slot is free for the next chat', async () => {
    const stream = await ollama.chat({ model: 'slow', messages: ASK, stream: true });
    let lines = 0;
    const read = async () => {
      for await (const _part of stream) if (++lines === 3) stream.abort();
    };
    await expect(read()).rejects.toMatchObject({ name: 'AbortError' });
    expect(lines).toBeLessThan(10);
    expect(await eventually(busy, (n) => n === 0)).toBe(0);
    const next = await ollama.chat({
      model: 'slow',
      messages: ASK,
      stream: false,
      options: { num_predict: 3 },
    });
    expect(next.done_reason).toBe('length');
  });
});

describe('a worker killed mid-stream', () => {
  async function killWhenStreaming(started: Promise<unknown>): Promise<void> {
    await started;
    const [worker] = await slowWorkers();
    if (!worker?.pid) throw new Error('no slow worker running');
    process.kill(worker.pid, 'SIGKILL');
  }

  it('ends the Anthropic stream with an error event', async () => {
    const stream = anthropic.messages.stream({ model: 'slow', max_tokens: 400, messages: ASK });
    let text = '';
    const firstText = new Promise<void>((resolve) => stream.once('text', () => resolve()));
    stream.on('text', (delta) => (text += delta));
    const [, outcome] = await Promise.all([
      killWhenStreaming(firstText),
      stream.finalMessage().catch((err: unknown) => err),
    ]);
    expect(outcome).toBeInstanceOf(Anthropic.APIError);
    expect((outcome as Error).message).toMatch(/WORKER_CRASHED|api_error/);
    expect(text.length).toBeGreaterThan(0);
  });

  it('ends the Ollama stream with an error line', async () => {
    const stream = await ollama.chat({ model: 'slow', messages: ASK, stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    await killWhenStreaming(Promise.resolve());
    const outcome = await (async () => {
      for (;;) {
        const next = await iterator.next().catch((err: unknown) => err);
        if (next instanceof Error) return next;
        if ((next as IteratorResult<unknown>).done) return undefined;
      }
    })();
    // The client throws the line's `error` as it reads it.
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toMatch(/stopped in the middle of the reply/);
  });
});
