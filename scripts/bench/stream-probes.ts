import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  getLlama,
  LlamaChat,
  LlamaCompletion,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
} from 'node-llama-cpp';
import { decodeInferenceEvents, decodeSse } from '../../src/shared/sse';
import { Client } from '../../src/shared/sdk';
import { bearer, newWorkerSecret, WORKER_SECRET_ENV } from '../../src/shared/worker-auth';

/** When each token arrived, from the moment the request left (ms, performance.now()). */
export interface Timeline {
  start: number;
  tokens: number[];
}

export interface Probe {
  name: string;
  run(prompt: string, maxTokens: number): Promise<Timeline>;
  close(): Promise<void>;
}

const WORKERD = fileURLToPath(new URL('../../out/main/workerd.js', import.meta.url));

/**
 * (a) node-llama-cpp in this process, configured as the worker configures it: the baselines, one
 * for raw prompts (LlamaCompletion) and one for chat (LlamaChat, which does more work per token).
 */
export async function directProbes(
  modelPath: string,
  contextSize: number,
): Promise<[Probe, Probe]> {
  const llama: Llama = await getLlama({ build: 'never', gpu: false, maxThreads: 1 });
  const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
  const context: LlamaContext = await model.createContext({
    sequences: 1,
    contextSize,
    threads: 1,
  });
  const sequence = context.getSequence();
  const timed = async (generate: (onToken: () => void) => Promise<unknown>) => {
    const timeline: Timeline = { start: performance.now(), tokens: [] };
    await generate(() => timeline.tokens.push(performance.now()));
    await sequence.clearHistory();
    return timeline;
  };
  const completion: Probe = {
    name: 'node-llama-cpp direct',
    run: (prompt, maxTokens) =>
      timed(async (onToken) => {
        const generator = new LlamaCompletion({ contextSequence: sequence });
        await generator.generateCompletion(prompt, { maxTokens, temperature: 0, onToken });
        generator.dispose();
      }),
    close: () => llama.dispose(),
  };
  const chat: Probe = {
    name: 'node-llama-cpp direct, chat',
    run: (prompt, maxTokens) =>
      timed((onToken) => directChat(sequence, prompt, maxTokens, onToken)),
    close: async () => undefined,
  };
  return [completion, chat];
}

async function directChat(
  sequence: LlamaContextSequence,
  prompt: string,
  maxTokens: number,
  onToken: () => void,
): Promise<void> {
  const chat = new LlamaChat({ contextSequence: sequence });
  await chat.generateResponse(
    [
      { type: 'user', text: prompt },
      { type: 'model', response: [] },
    ],
    {
      maxTokens,
      temperature: 0,
      onToken,
    },
  );
  chat.dispose({ disposeSequence: false });
}

/**
 * The overhead of rbees' layers is measured against node-llama-cpp in this process, at normal
 * priority: the workers get the same (RBEES_WORKER_NICE=0) so that a busy machine's scheduler
 * does not count as overhead. The product's default (nice 10) is what the UI bench runs with.
 */
export const OVERHEAD_ENV = { RBEES_WORKER_NICE: '0' };

/** (b) a real rbees-workerd process, over HTTP + SSE. */
export async function workerProbe(modelPath: string): Promise<Probe & { contextSize: number }> {
  const secret = newWorkerSecret();
  const child = spawn(
    process.execPath,
    [WORKERD, '--model', modelPath, '--port', '0', '--threads', '1'],
    // At the priority of the in-process engine it is compared with (see OVERHEAD_ENV).
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...OVERHEAD_ENV, [WORKER_SECRET_ENV]: secret },
    },
  );
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const ready = JSON.parse(line) as { port: number; context_size: number };
  const base = `http://127.0.0.1:${ready.port}`;
  let n = 0;
  return {
    name: 'rbees-workerd /execute',
    contextSize: ready.context_size,
    async run(prompt, maxTokens) {
      const timeline: Timeline = { start: performance.now(), tokens: [] };
      const response = await fetch(`${base}/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: bearer(secret) },
        body: JSON.stringify({
          job_id: `bench-${n++}`,
          prompt,
          max_tokens: maxTokens,
          temperature: 0,
        }),
      });
      for await (const event of decodeInferenceEvents(response.body!)) {
        if (event.type === 'token') timeline.tokens.push(performance.now());
      }
      return timeline;
    },
    close: () => stopChild(child),
  };
}

/** (c) the daemon's native task API through the SDK (daemon → worker → daemon → client). */
export function tasksProbe(url: string, token: string, model: string): Probe {
  const client = new Client(url, { token });
  return {
    name: 'rbees-orcd /v2/tasks',
    async run(prompt, maxTokens) {
      const timeline: Timeline = { start: performance.now(), tokens: [] };
      const request = { model, prompt, max_tokens: maxTokens, temperature: 0 };
      for await (const event of client.enqueueStream(request)) {
        if (event.type === 'token') timeline.tokens.push(performance.now());
      }
      return timeline;
    },
    close: async () => undefined,
  };
}

/** (d) the daemon's OpenAI-compatible streaming chat completions. */
export function openAiProbe(url: string, token: string, model: string): Probe {
  return {
    name: 'rbees-orcd /v1/chat/completions',
    async run(prompt, maxTokens) {
      const timeline: Timeline = { start: performance.now(), tokens: [] };
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model,
          stream: true,
          max_tokens: maxTokens,
          temperature: 0,
          messages: [{ role: 'user', content: prompt }],
        }),
      });
      for await (const message of decodeSse(response.body!)) {
        if (message.data === '[DONE]') break;
        const chunk = JSON.parse(message.data) as { choices: { delta: { content?: string } }[] };
        if (chunk.choices[0]?.delta.content) timeline.tokens.push(performance.now());
      }
      return timeline;
    },
    close: async () => undefined,
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}
