/**
 * Embeddings through the built daemon, with the official `openai` client (which asks for base64
 * and decodes it) and `ollama` client: unit-length vectors in order, the same from both APIs and
 * from node-llama-cpp's embedding context directly, served by the worker that also chats (one
 * load), and the inputs rbees cannot take refused by name.
 */
import { getLlama } from 'node-llama-cpp';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels, type TestModels } from '../../../../../scripts/test-models';
import {
  startDaemonProcess,
  type DaemonProcess,
} from '../../../../../scripts/testing/daemon-process';
import { API } from '../../../../shared/api';

let daemon: DaemonProcess;
let openai: OpenAI;
let models: TestModels;

beforeAll(async () => {
  models = await ensureTestModels();
  daemon = await startDaemonProcess({ models: [{ path: models.tiny, as: 'tiny.gguf' }] });
  openai = new OpenAI({ baseURL: `${daemon.url}/v1`, apiKey: daemon.token, maxRetries: 0 });
});

afterAll(async () => {
  await daemon?.stop();
});

const TEXTS = ['The cat sat on the mat.', 'Quarterly revenue grew by four percent.', 'Hi'];
const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('embeddings', () => {
  it('gives unit vectors in order, base64 (the client default) and float alike', async () => {
    const decoded = await openai.embeddings.create({ model: 'tiny', input: TEXTS });
    expect(decoded.data.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(decoded.usage.prompt_tokens).toBeGreaterThan(TEXTS.join('').length / 8);
    const floats = await openai.embeddings.create({
      model: 'tiny',
      input: TEXTS,
      encoding_format: 'float',
    });
    for (const [i, { embedding }] of floats.data.entries()) {
      expect(embedding).toHaveLength(128);
      expect(norm(embedding)).toBeCloseTo(1, 5);
      // base64 carries float32: the same values to float32 precision.
      decoded.data[i]!.embedding.forEach((x, j) => expect(x).toBeCloseTo(embedding[j]!, 6));
    }
    const [a, b] = floats.data.map((d) => d.embedding);
    expect(a).not.toEqual(b);
    const one = await openai.embeddings.create({ model: 'tiny', input: TEXTS[0]! });
    one.data[0]!.embedding.forEach((x, j) =>
      expect(x).toBeCloseTo(decoded.data[0]!.embedding[j]!, 6),
    );
  });

  it('are what node-llama-cpp’s embedding context gives, and Ollama’s /api/embed the same', async () => {
    const llama = await getLlama({ build: 'never', gpu: false });
    try {
      const model = await llama.loadModel({ modelPath: models.tiny, gpuLayers: 0 });
      const context = await model.createEmbeddingContext({ contextSize: 4096, threads: 1 });
      const { vector } = await context.getEmbeddingFor(TEXTS[1]!);
      const direct = [...vector].map((x) => x / norm(vector));
      const [served] = (
        await openai.embeddings.create({
          model: 'tiny',
          input: [TEXTS[1]!],
          encoding_format: 'float',
        })
      ).data;
      served!.embedding.forEach((x, j) => expect(x).toBeCloseTo(direct[j]!, 4));
      const ollama = new Ollama({
        host: daemon.url,
        headers: { Authorization: `Bearer ${daemon.token}` },
      });
      const embedded = await ollama.embed({ model: 'tiny:latest', input: TEXTS[1]! });
      expect(embedded.embeddings).toHaveLength(1);
      embedded.embeddings[0]!.forEach((x, j) => expect(x).toBeCloseTo(direct[j]!, 4));
      expect(embedded.prompt_eval_count).toBeGreaterThan(0);
    } finally {
      await llama.dispose();
    }
  });

  it('shares the chat worker: one load serves both', async () => {
    await openai.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: 'x' }],
      max_tokens: 2,
    });
    await openai.embeddings.create({ model: 'tiny', input: 'x' });
    const workers = await daemon.call('GET', API.workers);
    expect(
      (workers.json.workers as { model: string }[]).filter((w) => w.model === 'tiny'),
    ).toHaveLength(1);
  });

  it.each([
    ['dimensions', { input: 'x', dimensions: 64 }, /dimensions is not supported/],
    ['token arrays', { input: [[1, 2, 3]] }, /token arrays are not supported/],
    [
      'a text past the context',
      { input: ['ok', 'word '.repeat(5000)] },
      /embed\.1: \d+ tokens do not fit/,
    ],
  ])('refuses %s by name', async (_, body, message) => {
    const err = await openai.embeddings
      .create({ model: 'tiny', encoding_format: 'float', ...body })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toMatch(message);
  });
});
