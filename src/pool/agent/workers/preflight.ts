/**
 * Will the model fit? Decided from the file size alone (no header read), so it is instant and
 * works on any file; the worker's own load is the final word. The estimate:
 *
 *   required = file_bytes × 1.1 + 256 MiB + slots × ctx × 128 KiB
 *
 * ×1.1: weights plus llama.cpp's scratch buffers, which grow with the model; 256 MiB: the
 * CUDA/Metal context and compute buffers; 128 KiB per token of context: an f16 KV cache of a
 * mid-size GQA model (Llama-3-8B: 32 layers × 2 × 1024 × 2 B); ctx defaults to 2048 because
 * without --ctx the worker shrinks its context to what fits.
 */
import { RbeesError } from '../../../shared/errors';
import type { Gpu, WorkerBackend } from '../../../shared/pool-status';

const MIB = 1024 * 1024;
export const FIXED_OVERHEAD_BYTES = 256 * MIB;
export const KV_BYTES_PER_TOKEN = 128 * 1024;
export const DEFAULT_PREFLIGHT_CTX = 2048;
/** Metal lets a process wire about this share of unified memory by default. */
export const METAL_RAM_SHARE = 0.75;
export const FORMULA = 'file_bytes × 1.1 + 256 MiB + slots × ctx × 128 KiB';

export function requiredBytes(fileBytes: number, slots: number, ctx: number | undefined): number {
  return Math.ceil(
    fileBytes * 1.1 +
      FIXED_OVERHEAD_BYTES +
      slots * (ctx ?? DEFAULT_PREFLIGHT_CTX) * KV_BYTES_PER_TOKEN,
  );
}

export interface PreflightInput {
  model: string;
  fileBytes: number;
  backend: WorkerBackend;
  gpu: number | undefined;
  slots: number;
  ctx: number | undefined;
  gpus: readonly Gpu[];
  ram: { total: number; free: number };
  platform: string;
}

interface Budget {
  memory: 'vram' | 'ram' | 'unified' | 'vram+ram';
  available: number;
  what: string;
}

function freeOf(gpus: readonly Gpu[]): number {
  return gpus.reduce((sum, gpu) => sum + (gpu.memory_free_bytes ?? 0), 0);
}

function budget(input: PreflightInput): Budget | undefined {
  const { backend, gpu, ram } = input;
  const discrete = input.gpus.filter((g) => !g.unified_memory);
  const unified = {
    memory: 'unified',
    available: Math.floor(ram.total * METAL_RAM_SHARE),
    what: 'unified memory usable by Metal',
  } as const;
  switch (backend) {
    case 'cpu':
      return { memory: 'ram', available: ram.free, what: 'free RAM' };
    case 'metal':
      return unified;
    case 'cuda':
    case 'vulkan': {
      const pool = backend === 'cuda' ? discrete.filter((g) => g.vendor === 'nvidia') : discrete;
      if (pool.length === 0) {
        // Vulkan also runs on GPUs no probe here can measure (Intel): let the worker decide.
        if (backend === 'vulkan') return undefined;
        throw new RbeesError(
          'INSUFFICIENT_VRAM',
          `${input.model}: --backend cuda but no NVIDIA GPU found on this host (see \`rbees-pool status\`) — use --backend cpu`,
          { backend, available_bytes: 0 },
        );
      }
      if (gpu === undefined) {
        // Without --gpu llama.cpp splits the layers over every visible GPU.
        return {
          memory: 'vram',
          available: freeOf(pool),
          what: `free VRAM on ${pool.length} GPU(s)`,
        };
      }
      const chosen = pool.find((g) => g.index === gpu);
      if (chosen === undefined) {
        const indexes = pool.map((g) => g.index).join(', ');
        throw new RbeesError(
          'BAD_REQUEST',
          `--gpu ${gpu}: no such GPU on this host (GPUs: ${indexes})`,
          { gpu, gpus: pool.map((g) => g.index) },
        );
      }
      return {
        memory: 'vram',
        available: chosen.memory_free_bytes ?? 0,
        what: `free VRAM on GPU ${gpu} (${chosen.name})`,
      };
    }
    case 'auto':
      if (input.platform === 'darwin') return unified;
      // What does not fit on the GPUs stays in RAM: the sum is what the worker can use.
      if (discrete.length > 0)
        return {
          memory: 'vram+ram',
          available: freeOf(discrete) + ram.free,
          what: 'free VRAM plus free RAM',
        };
      return { memory: 'ram', available: ram.free, what: 'free RAM' };
  }
}

/** Throws INSUFFICIENT_VRAM (with the numbers) when the estimate exceeds what is free. */
export function checkFits(input: PreflightInput): void {
  const limit = budget(input);
  if (limit === undefined) return;
  const required = requiredBytes(input.fileBytes, input.slots, input.ctx);
  if (required <= limit.available) return;
  const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  throw new RbeesError(
    'INSUFFICIENT_VRAM',
    `${input.model} needs about ${gib(required)} but ${limit.what} is ${gib(limit.available)} ` +
      `(estimate: ${FORMULA}) — choose a smaller model or quantization, fewer --slots or a smaller --ctx, or another GPU`,
    {
      model: input.model,
      backend: input.backend,
      gpu: input.gpu ?? null,
      memory: limit.memory,
      file_bytes: input.fileBytes,
      required_bytes: required,
      available_bytes: limit.available,
      formula: FORMULA,
    },
  );
}
