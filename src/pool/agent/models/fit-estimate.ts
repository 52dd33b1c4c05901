/**
 * What a model needs in memory, by node-llama-cpp's own estimate from its GGUF header
 * (`GgufInsights`): the one estimate behind both `models list` (what the UI shows) and the spawn
 * preflight (what the agent enforces), judged by src/shared/model-fit.ts.
 *
 * Why the header arithmetic (`estimateModelResourceRequirements`,
 * `estimateContextResourceRequirements`) and not its V2 successors: V2 simulates the load inside
 * llama.cpp with the backend of the calling process. The agent has no GPU backend (loading CUDA
 * would hold GPU memory for as long as `serve` runs), so V2 puts the whole context in RAM even with
 * every layer on a GPU (measured: VRAM 0), and a simulated load of a malformed file can abort the
 * process, which for the agent is the daemon's whole control channel. The header arithmetic is the
 * same on every host and needs only node-llama-cpp's backend-less addon (`GgufInsights.from`
 * without a Llama; ~0.75 s once per process for its binary check, then under a millisecond per estimate).
 * It assumes no flash attention: with it the estimate came out below what llama.cpp allocated.
 */
import type { GgufFileInfo, GgufInsights } from 'node-llama-cpp';
import type { FitPoint, ModelFit } from '../../../shared/pool-status';

/** The spawn's defaults: one slot; without --ctx, checked at 2048 (or the trained context if less). */
export const DEFAULT_SLOTS = 1;
export const DEFAULT_FIT_CTX = 2048;
/** The smallest context the listing reports: below it hardly a prompt fits. */
export const MIN_FIT_CTX = 256;
/** What node-llama-cpp assumes when a header does not state its trained context. */
const UNKNOWN_TRAIN_CTX = 4096;

/**
 * The spawn's estimate for a file: at --ctx (else the default context) and --slots. undefined when
 * the header cannot be read: the worker's own load then says what is wrong with the file.
 */
export async function estimateFile(
  path: string,
  ctx: number | undefined,
  slots: number,
): Promise<FitPoint | undefined> {
  const { readGgufFileInfo } = await import('node-llama-cpp');
  let insights: GgufInsights;
  try {
    const info = await readGgufFileInfo(path, { logWarnings: false, sourceType: 'filesystem' });
    insights = await insightsOf(info);
  } catch {
    return undefined;
  }
  return estimateAt(insights, ctx ?? defaultCtx(insights), slots);
}

/** Insights from a header read with its tensor table (the estimate sums the tensors). */
export async function insightsOf(info: GgufFileInfo): Promise<GgufInsights> {
  const { GgufInsights } = await import('node-llama-cpp');
  // Without a Llama: a shared, backend-less one; nothing touches a GPU.
  return GgufInsights.from(info);
}

/** The context a spawn without --ctx is checked at. */
export function defaultCtx(insights: GgufInsights): number {
  return Math.min(DEFAULT_FIT_CTX, insights.trainContextSize ?? UNKNOWN_TRAIN_CTX);
}

/** Memory for `slots` sequences of `ctx` tokens: every layer on a GPU, and on the CPU alone. */
export function estimateAt(insights: GgufInsights, ctx: number, slots: number): FitPoint {
  const layers = insights.totalLayers;
  const context = (modelGpuLayers: number) =>
    insights.estimateContextResourceRequirements({
      contextSize: ctx,
      modelGpuLayers,
      sequences: slots,
      flashAttention: false,
    });
  const onGpu = insights.estimateModelResourceRequirements({ gpuLayers: layers });
  const onGpuContext = context(layers);
  const onCpu = insights.estimateModelResourceRequirements({ gpuLayers: 0 });
  const onCpuContext = context(0);
  // Whole bytes: node-llama-cpp's graph term is fractional.
  return {
    ctx,
    gpu_vram_bytes: Math.ceil(onGpu.gpuVram + onGpuContext.gpuVram),
    gpu_ram_bytes: Math.ceil(onGpu.cpuRam + onGpuContext.cpuRam),
    cpu_ram_bytes: Math.ceil(onCpu.cpuRam + onCpuContext.cpuRam),
  };
}

/** The contexts `models list` reports: powers of two from 256, the trained context last. */
export function fitContexts(insights: GgufInsights): number[] {
  const train = insights.trainContextSize ?? UNKNOWN_TRAIN_CTX;
  const sizes: number[] = [];
  for (let ctx = MIN_FIT_CTX; ctx < train; ctx *= 2) sizes.push(ctx);
  sizes.push(train);
  return sizes;
}

/** A model's needs at the spawn's default slots, from the smallest context to its trained one. */
export function fitOf(insights: GgufInsights, slots = DEFAULT_SLOTS): ModelFit {
  return {
    slots,
    default_ctx: defaultCtx(insights),
    points: fitContexts(insights).map((ctx) => estimateAt(insights, ctx, slots)),
  };
}
