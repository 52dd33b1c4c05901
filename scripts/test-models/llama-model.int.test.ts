/**
 * The generated models in llama.cpp itself (through node-llama-cpp, CPU, one thread): the script
 * models must reply exactly their text and stop on EOS, whatever the prompt and temperature.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatMLChatWrapper, getLlama, LlamaChat, LlamaCompletion } from 'node-llama-cpp';
import type { ChatHistoryItem, LlamaContextSequence, LlamaModel } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels } from './index';
import type { TestModels } from './index';
import { ensureModelFile } from './model-file';
import { TEST_MODELS } from './standard-models';

const llama = await getLlama({ build: 'never', gpu: false, maxThreads: 1 });
let models: TestModels;
const tmp = await mkdtemp(join(tmpdir(), 'llama-model-int-'));

beforeAll(async () => {
  models = await ensureTestModels();
});
afterAll(async () => {
  await llama.dispose(); // disposes every model and context loaded from it
  await rm(tmp, { recursive: true, force: true });
});

async function withSequence<T>(
  modelPath: string,
  use: (sequence: LlamaContextSequence, model: LlamaModel) => Promise<T>,
): Promise<T> {
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: 512, threads: 1 });
  try {
    return await use(context.getSequence(), model);
  } finally {
    await context.dispose();
    await model.dispose();
  }
}

const history: ChatHistoryItem[] = [
  { type: 'system', text: 'You are a test model.' },
  { type: 'user', text: 'Say anything. ☕' },
];

describe('script model', () => {
  it('completes any prompt with exactly the script, then EOS, at temperature 0 and 1', () =>
    withSequence(models.script, async (sequence) => {
      const completion = new LlamaCompletion({ contextSequence: sequence });
      // The last prompt quotes the reply itself: its tokens must not start the reply mid-script.
      const prompts = ['Hello', 'Tell me a story:', '42\n', models.scriptText];
      for (const [i, prompt] of prompts.entries()) {
        for (const temperature of [0, 1]) {
          let streamed = '';
          const result = await completion.generateCompletionWithMeta(prompt, {
            maxTokens: 64,
            temperature,
            seed: 1000 + i,
            onTextChunk: (chunk) => (streamed += chunk),
          });
          expect(result.response).toBe(models.scriptText);
          expect(streamed).toBe(models.scriptText);
          expect(result.metadata.stopReason).toBe('eogToken');
          await sequence.clearHistory();
        }
      }
    }));

  it('replies exactly the script in a chat (Llama2 wrapper: no template in the file)', () =>
    withSequence(models.script, async (sequence) => {
      const chat = new LlamaChat({ contextSequence: sequence });
      for (const temperature of [0, 1]) {
        const result = await chat.generateResponse(history, { temperature, seed: 7 });
        expect(result.response).toBe(models.scriptText);
        expect(result.metadata.stopReason).toBe('eogToken');
      }
    }));

  it('replies exactly the script with a ChatML template', async () => {
    const chatml = {
      ...TEST_MODELS.script,
      name: 'script-chatml',
      chatTemplate: 'chatml' as const,
    };
    const { path } = await ensureModelFile(tmp, chatml);
    await withSequence(path, async (sequence) => {
      const chat = new LlamaChat({ contextSequence: sequence });
      expect(chat.chatWrapper).toBeInstanceOf(ChatMLChatWrapper);
      const result = await chat.generateResponse(history, { temperature: 1, seed: 3 });
      expect(result.response).toBe(models.scriptText);
      expect(result.metadata.stopReason).toBe('eogToken');
    });
  });

  it('streams the long script token by token and can stop midway', () =>
    withSequence(models.scriptLong, async (sequence) => {
      const completion = new LlamaCompletion({ contextSequence: sequence });
      let tokens = 0;
      const full = await completion.generateCompletionWithMeta('Count.', {
        temperature: 1,
        seed: 5,
        maxTokens: 1000,
        onToken: (chunk) => (tokens += chunk.length),
      });
      expect(full.response).toBe(models.scriptLongText);
      expect(full.metadata.stopReason).toBe('eogToken');
      expect(tokens).toBeGreaterThan(300);
      await sequence.clearHistory();
      const partial = await completion.generateCompletionWithMeta('Count.', { maxTokens: 20 });
      expect(partial.metadata.stopReason).toBe('maxTokens');
      expect(models.scriptLongText.startsWith(partial.response)).toBe(true);
    }));
});

describe('tiny model', () => {
  it('generates random tokens up to maxTokens', () =>
    withSequence(models.tiny, async (sequence) => {
      const completion = new LlamaCompletion({ contextSequence: sequence });
      let tokens = 0;
      const result = await completion.generateCompletionWithMeta('Hi', {
        maxTokens: 200,
        temperature: 1,
        seed: 1,
        onToken: (chunk) => (tokens += chunk.length),
      });
      // Random weights rarely pick EOS; either way generation ran and produced tokens.
      expect(tokens).toBeGreaterThan(0);
      expect(['maxTokens', 'eogToken']).toContain(result.metadata.stopReason);
    }));
});
