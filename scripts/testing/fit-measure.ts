/**
 * What loading a model really costs in RAM, measured in a process of its own: the worker's own
 * `loadModel` (src/pool/workerd/load.ts) on the CPU backend, then one full batch through the
 * context so that the compute buffers and every weight page are touched, then the process's RSS.
 * The baseline is the same process after node-llama-cpp's runtime is loaded and before the model
 * is, so the difference is what llama.cpp allocated for the model and its context.
 *
 *   tsx scripts/testing/fit-measure.ts MODEL.gguf CTX SLOTS   → one JSON line on stdout
 */
import { readFile } from 'node:fs/promises';
import { getLlama, LlamaLogLevel, type Token } from 'node-llama-cpp';
import { loadModel } from '../../src/pool/workerd/load';

/** Resident bytes from /proc (Linux): anonymous (KV cache, buffers) and file-backed (mmap). */
async function resident(): Promise<{ rss: number; anon: number; file: number }> {
  const status = await readFile('/proc/self/status', 'utf8');
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rss: kib('VmRSS') * 1024, anon: kib('RssAnon') * 1024, file: kib('RssFile') * 1024 };
}

async function main(): Promise<void> {
  const [modelPath = '', ctxText = '', slotsText = '1'] = process.argv.slice(2);
  const ctx = Number(ctxText);
  const slots = Number(slotsText);
  // The runtime first: its code and its own buffers are not the model's.
  const runtime = await getLlama({ build: 'never', gpu: false, logLevel: LlamaLogLevel.error });
  const before = await resident();
  const loaded = await loadModel({
    modelPath,
    backend: 'cpu',
    gpu: undefined,
    threads: 1,
    slots,
    ctx,
    logger: () => undefined,
  });
  const afterLoad = await resident();
  // A full batch (or the whole context, if smaller) in every slot: the largest graph it computes.
  const batch = Math.min(loaded.context.batchSize, loaded.context.contextSize - 1);
  const vocab = loaded.model.fileInfo.metadata.tokenizer.ggml.tokens.length;
  for (let s = 0; s < slots; s++) {
    const tokens = Array.from(
      { length: batch },
      (_, i) => ((i * 7 + s) % (vocab - 3)) + 3,
    ) as Token[];
    await loaded.context.getSequence().evaluateWithoutGeneratingNewTokens(tokens);
  }
  const afterRun = await resident();
  // llama.cpp's own account of its buffers (node-llama-cpp's addon; not public API, test only).
  const internal = loaded as unknown as {
    model: { _model: { getMemoryBreakdown(): { cpuRam: number } } };
    context: { _ctx: { getMemoryBreakdown(): { cpuRam: number } } };
  };
  const llamaModelBytes = internal.model._model.getMemoryBreakdown().cpuRam;
  const llamaContextBytes = internal.context._ctx.getMemoryBreakdown().cpuRam;
  process.stdout.write(
    `${JSON.stringify({
      ctx: loaded.context.contextSize,
      slots,
      batch,
      before,
      afterLoad,
      afterRun,
      llama_model_bytes: llamaModelBytes,
      llama_context_bytes: llamaContextBytes,
      used_bytes: afterRun.rss - before.rss,
    })}\n`,
  );
  await loaded.llama.dispose();
  await runtime.dispose();
}

await main();
