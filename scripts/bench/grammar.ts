import { getLlama, LlamaChat, type LlamaGrammar } from 'node-llama-cpp';
import { grammarSchema } from '../../src/shared/json-schema';
import { decodeSse } from '../../src/shared/sse';
import { Grammars } from '../../src/pool/workerd/grammars';
import { startDaemonProcess } from '../testing/daemon-process';
import { printTable, type Measured } from './report';
import { OVERHEAD_ENV, workerProbe, type Probe, type Timeline } from './stream-probes';

const ROUNDS = 15;
const MAX_TOKENS = 200;
/** What apps send: required and optional fields, an enum array, anyOf, a date. */
const SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', maxLength: 40 },
    age: { type: 'integer' },
    pets: { type: 'array', items: { enum: ['cat', 'dog', 'fish'] }, maxItems: 6 },
    home: { anyOf: [{ type: 'null' }, { type: 'string', format: 'date' }] },
    notes: { type: 'string' },
  },
  required: ['name', 'age'],
};

/**
 * Structured output's cost (issue 12): time to first token and decode rate of the same chat
 * request with a json_schema grammar and without, in node-llama-cpp directly (the grammar's own
 * cost, with the grammar rbees' worker makes) and through the daemon's /v1 (what the stack adds
 * to a grammar request), interleaved round by round. A grammar reply ends when its JSON does, so
 * it may have fewer tokens than the plain one: the rates, not the totals, compare. The daemon's
 * rows count the chunks that carry text: on the random-weights model a plain reply has tokens
 * without text (fewer counted, a lower rate shown), a JSON reply has none, so its row is exact.
 */
export async function benchGrammar(modelPath: string): Promise<void> {
  const worker = await workerProbe(modelPath);
  const contextSize = worker.contextSize;
  await worker.close();
  const llama = await getLlama({ build: 'never', gpu: false, maxThreads: 1 });
  const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
  const context = await model.createContext({ sequences: 1, contextSize, threads: 1 });
  const sequence = context.getSequence();
  const grammar = await new Grammars(llama).get(
    {
      type: 'json_schema',
      schema: grammarSchema(SCHEMA),
    },
    'format',
  );
  const direct = (name: string, use?: LlamaGrammar): Probe => ({
    name,
    async run(prompt, maxTokens) {
      const timeline: Timeline = { start: performance.now(), tokens: [] };
      const chat = new LlamaChat({ contextSequence: sequence });
      await chat.generateResponse(
        [
          { type: 'user', text: prompt },
          { type: 'model', response: [] },
        ],
        {
          maxTokens,
          temperature: 0,
          onToken: () => timeline.tokens.push(performance.now()),
          ...(use ? { grammar: use } : {}),
        },
      );
      chat.dispose({ disposeSequence: false });
      await sequence.clearHistory();
      return timeline;
    },
    close: async () => undefined,
  });
  const daemon = await startDaemonProcess({
    models: [{ path: modelPath, as: 'bench.gguf' }],
    env: OVERHEAD_ENV,
  });
  const plainDirect = direct('node-llama-cpp direct, chat');
  const grammarDirect = direct('node-llama-cpp direct, json_schema', grammar);
  const plainDaemon = viaDaemon(daemon.url, daemon.token, undefined);
  const grammarDaemon = viaDaemon(daemon.url, daemon.token, SCHEMA);
  const probes = [plainDirect, grammarDirect, plainDaemon, grammarDaemon];
  const measured = new Map<Probe, Measured>(
    probes.map((probe) => [probe, { probe, timelines: [], daemonCpuMs: 0 }]),
  );
  try {
    for (const probe of probes) await probe.run('Who are you?', 4);
    for (let round = 0; round < ROUNDS; round++) {
      for (const probe of probes) {
        measured.get(probe)?.timelines.push(await probe.run('Who are you?', MAX_TOKENS));
      }
    }
    const rows = [...measured.values()];
    // The grammar's own cost: against node-llama-cpp without it.
    printTable('json_schema grammar in node-llama-cpp', rows.slice(0, 2), () => plainDirect);
    // What the stack adds: each daemon path against node-llama-cpp doing the same.
    printTable('through rbees-orcd /v1, with and without json_schema', rows, (probe) =>
      probe === grammarDaemon || probe === grammarDirect ? grammarDirect : plainDirect,
    );
  } finally {
    await daemon.stop();
    await llama.dispose();
  }
}

/** `/v1/chat/completions`, streamed, with `response_format` json_schema when `schema` is given. */
function viaDaemon(url: string, token: string, schema: object | undefined): Probe {
  return {
    name: schema ? 'rbees-orcd /v1 chat, json_schema' : 'rbees-orcd /v1 chat',
    async run(prompt, maxTokens) {
      const timeline: Timeline = { start: performance.now(), tokens: [] };
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'bench',
          stream: true,
          max_tokens: maxTokens,
          temperature: 0,
          messages: [{ role: 'user', content: prompt }],
          ...(schema
            ? { response_format: { type: 'json_schema', json_schema: { name: 'p', schema } } }
            : {}),
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
