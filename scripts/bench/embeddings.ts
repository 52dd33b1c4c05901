import { getLlama } from 'node-llama-cpp';
import { startDaemonProcess } from '../testing/daemon-process';
import { OVERHEAD_ENV } from './stream-probes';

/** A sentence of a realistic length for a retrieval chunk. */
const text = (i: number) =>
  `Note ${i}: the pool host in the garage runs the nightly backup, then idles until noon.`;

/**
 * Embeddings per second (issue 12: target >= 0.9 of node-llama-cpp): the same texts embedded by
 * node-llama-cpp's embedding context in this process, and through the daemon's /v1/embeddings
 * (queue, a worker's embedding context, SSE back, JSON out), one text per request and all in
 * one, interleaved round by round, at the worker's thread count (the test daemon's workers run
 * one: RBEES_WORKER_THREADS=1).
 */
export async function benchEmbeddings(
  label: string,
  modelPath: string,
  { batch, rounds }: { batch: number; rounds: number },
): Promise<void> {
  const texts = Array.from({ length: batch }, (_, i) => text(i));
  const threads = 1;
  const llama = await getLlama({ build: 'never', gpu: false, maxThreads: threads });
  const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
  const context = await model.createEmbeddingContext({ contextSize: 4096, threads });
  const daemon = await startDaemonProcess({
    models: [{ path: modelPath, as: 'bench.gguf' }],
    env: OVERHEAD_ENV,
  });
  const post = async (input: string[]) => {
    const response = await fetch(`${daemon.url}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${daemon.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'bench', input, encoding_format: 'float' }),
    });
    if (!response.ok)
      throw new Error(`/v1/embeddings: ${response.status} ${await response.text()}`);
    await response.json();
  };
  const paths: Record<string, () => Promise<void>> = {
    'node-llama-cpp direct': async () => {
      for (const t of texts) await context.getEmbeddingFor(t);
    },
    [`rbees-orcd /v1/embeddings, ${batch} per request`]: () => post(texts),
    'rbees-orcd /v1/embeddings, 1 per request': async () => {
      for (const t of texts) await post([t]);
    },
  };
  const seconds = new Map<string, number[]>(Object.keys(paths).map((name) => [name, []]));
  try {
    for (const run of Object.values(paths)) await run(); // warm: worker start, first context
    for (let round = 0; round < rounds; round++) {
      for (const [name, run] of Object.entries(paths)) {
        const start = performance.now();
        await run();
        seconds.get(name)?.push((performance.now() - start) / 1000);
      }
    }
  } finally {
    await daemon.stop();
    await llama.dispose();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const rates = [...seconds].map(([name, xs]) => [name, batch / median(xs)] as const);
  const direct = rates[0]?.[1] ?? 1;
  console.log(`\n## embeddings, ${label} (${batch} texts, ${threads} thread, median of ${rounds})`);
  console.log('| path | embeddings/s | vs node-llama-cpp |');
  console.log('|---|---|---|');
  for (const [name, rate] of rates) {
    console.log(`| ${name} | ${rate.toFixed(1)} | ${(rate / direct).toFixed(3)} |`);
  }
}
