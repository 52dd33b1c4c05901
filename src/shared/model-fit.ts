/**
 * Does a model fit? The one rule, used by the UI (against the host's live status) and by the
 * agent's spawn preflight (against what it probes), so a "fits" shown is a spawn accepted.
 *
 * The needs are node-llama-cpp's estimate for the model (a FitPoint, from `models list` or
 * computed at spawn by the same agent function). What a device offers is its free memory less the
 * padding node-llama-cpp itself keeps free there (`getLlama`'s `vramPadding` / `ramPadding`
 * defaults, node-llama-cpp 3.21 bindings/getLlama.js): a model that needs more than that is only
 * partly offloaded, or refused, by the worker's own load. The padding is also what covers the
 * small buffers the header estimate leaves out (measured in fit-estimate.int.test.ts).
 */
import type { FitPoint, Gpu, HostStatus, ModelFit } from './pool-status';

const GIB = 1024 ** 3;

/** Metal lets a process wire about this share of unified memory by default. */
export const METAL_RAM_SHARE = 0.75;

/** node-llama-cpp's default `vramPadding`: 8% of the GPU's memory, at most 1.6 GiB. */
export function vramPadding(totalBytes: number | null): number {
  return Math.floor(Math.min((totalBytes ?? Infinity) * 0.08, 1.6 * GIB));
}

/** node-llama-cpp's default `ramPadding`: 25% of the RAM, at most 1 GiB on Linux, 6 GiB elsewhere. */
export function ramPadding(totalBytes: number, platform: string): number {
  return Math.floor(Math.min(totalBytes * 0.25, (platform === 'linux' ? 1 : 6) * GIB));
}

type GpuMemory = Pick<Gpu, 'memory_free_bytes' | 'memory_total_bytes' | 'memory_used_bytes'>;

/** A GPU's free memory as reported, else total − used; null when the driver reports neither. */
export function gpuFree(gpu: GpuMemory): number | null {
  const { memory_free_bytes: free, memory_total_bytes: total, memory_used_bytes: used } = gpu;
  return free ?? (total !== null && used !== null ? total - used : null);
}

/** What a model may take on this GPU: free less node-llama-cpp's padding; null: not reported. */
export function usableVram(gpu: GpuMemory): number | null {
  const free = gpuFree(gpu);
  return free === null ? null : Math.max(0, free - vramPadding(gpu.memory_total_bytes));
}

export function usableRam(memory: HostStatus['memory'], platform: string): number {
  return Math.max(0, memory.free_bytes - ramPadding(memory.total_bytes, platform));
}

/** One memory a placement draws on: what the model needs there and what is usable. */
export interface FitCheck {
  memory: 'vram' | 'ram' | 'unified' | 'vram+ram';
  /** In words, for messages: "free VRAM on GPU 0 (NVIDIA H200)". */
  what: string;
  need: (point: FitPoint) => number;
  /** null: the host does not report it. */
  usable: number | null;
}

/** Where a worker would run: one GPU, several (layers split), unified memory, GPUs and RAM, CPU. */
export type Placement =
  | { on: 'gpu'; gpu: Gpu }
  | { on: 'gpus'; gpus: readonly Gpu[] }
  | { on: 'unified' }
  | { on: 'gpus+ram'; gpus: readonly Gpu[] }
  | { on: 'cpu' };

type Host = Pick<HostStatus, 'memory' | 'platform'>;

const sum = (values: readonly (number | null)[]): number =>
  values.reduce<number>((total, value) => total + (value ?? 0), 0);

/** The memories a placement needs room in; the model fits when it fits every one. */
export function checksFor(place: Placement, host: Host): FitCheck[] {
  const ram: FitCheck = {
    memory: 'ram',
    what: 'free RAM',
    need: (p) => p.gpu_ram_bytes,
    usable: usableRam(host.memory, host.platform),
  };
  switch (place.on) {
    case 'cpu':
      return [{ ...ram, need: (p) => p.cpu_ram_bytes }];
    case 'unified':
      return [
        {
          memory: 'unified',
          what: 'unified memory usable by Metal',
          need: (p) => p.gpu_vram_bytes + p.gpu_ram_bytes,
          usable: Math.floor(host.memory.total_bytes * METAL_RAM_SHARE),
        },
      ];
    case 'gpu': {
      const { gpu } = place;
      if (gpu.unified_memory) return checksFor({ on: 'unified' }, host);
      const vram: FitCheck = {
        memory: 'vram',
        what: `free VRAM on GPU ${gpu.index} (${gpu.name})`,
        need: (p) => p.gpu_vram_bytes,
        usable: usableVram(gpu),
      };
      return [vram, ram];
    }
    case 'gpus': {
      // llama.cpp splits the layers over every visible GPU.
      const vram: FitCheck = {
        memory: 'vram',
        what: `free VRAM on ${place.gpus.length} GPU(s)`,
        need: (p) => p.gpu_vram_bytes,
        usable: sum(place.gpus.map(usableVram)),
      };
      return [vram, ram];
    }
    case 'gpus+ram':
      // What does not fit on the GPUs stays in RAM: the sum is what the worker can use.
      return [
        {
          memory: 'vram+ram',
          what: 'free VRAM plus free RAM',
          need: (p) => p.cpu_ram_bytes,
          usable: sum(place.gpus.map(usableVram)) + usableRam(host.memory, host.platform),
        },
      ];
  }
}

/** The verdict at one point: the first check it fails, or none. */
export interface Judgement {
  /** null: unknown, a memory it needs is not reported. */
  fits: boolean | null;
  /** The check that failed (or could not be made); undefined when it fits. */
  failed?: FitCheck;
}

/** The rule: a model fits a memory when it needs at most what is usable there. */
export function judge(point: FitPoint, checks: readonly FitCheck[]): Judgement {
  const unknown = checks.find((c) => c.usable === null);
  const failed = checks.find((c) => c.usable !== null && c.need(point) > c.usable);
  if (failed) return { fits: false, failed };
  if (unknown) return { fits: null, failed: unknown };
  return { fits: true };
}

/** The point a spawn without --ctx is checked at. */
export function defaultPoint(fit: ModelFit): FitPoint | undefined {
  return fit.points.find((p) => p.ctx === fit.default_ctx);
}

/** The largest listed context that fits: the points ascend and needs grow with the context. */
export function largestFitting(fit: ModelFit, checks: readonly FitCheck[]): FitPoint | undefined {
  return fit.points.filter((p) => judge(p, checks).fits === true).at(-1);
}
