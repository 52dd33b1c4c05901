import type { HostStatus } from '../../shared/pool-status';
import { formatBytes } from '../ui/format';

/**
 * A rough "does it fit" before anyone tries to load the model: the weights are about the file's
 * size, and the KV cache and compute buffers come on top. The margin is deliberately generous
 * (a default context on a small model), so a "fits" here rarely fails to load for lack of memory.
 */
export const FIT_MARGIN_RATIO = 0.2;
export const FIT_MARGIN_BYTES = 512 * 1024 * 1024;

/** The rule in words, for the tooltip. */
export const FIT_RULE =
  'Estimate: the file size + 20% + 512 MiB (KV cache and compute buffers) must be below the free memory.';

/** Memory a model of `sizeBytes` is estimated to need once loaded. */
export function neededBytes(sizeBytes: number): number {
  return Math.ceil(sizeBytes * (1 + FIT_MARGIN_RATIO)) + FIT_MARGIN_BYTES;
}

/** One place a model could run: a GPU, or the CPU and RAM of a host without GPUs. */
export interface FitVerdict {
  /** "GPU 0", or "CPU". */
  label: string;
  /** The GPU's name, or "RAM". */
  device: string;
  needed: number;
  /** Free memory there; null when the host does not report it. */
  free: number | null;
  /** null: unknown, since the free memory is not reported. */
  fits: boolean | null;
}

/** A verdict per GPU of the host; with no GPU, one for its CPU against free RAM. */
export function estimateFit(
  sizeBytes: number,
  status: Pick<HostStatus, 'gpus' | 'memory'>,
): FitVerdict[] {
  const needed = neededBytes(sizeBytes);
  const verdict = (label: string, device: string, free: number | null): FitVerdict => ({
    label,
    device,
    needed,
    free,
    fits: free === null ? null : needed < free,
  });
  if (status.gpus.length === 0) return [verdict('CPU', 'RAM', status.memory.free_bytes)];
  return status.gpus.map((gpu) => {
    const { memory_free_bytes: free, memory_total_bytes: total, memory_used_bytes: used } = gpu;
    const derived = free ?? (total !== null && used !== null ? total - used : null);
    return verdict(`GPU ${gpu.index}`, gpu.name, derived);
  });
}

/** "GPU 0 (NVIDIA H200): needs ~3.4 GB, 140 GB free." */
export function describeVerdict(v: FitVerdict): string {
  const where = `${v.label} (${v.device})`;
  const free = v.free === null ? 'free memory not reported' : `${formatBytes(v.free)} free`;
  const verdict = v.fits === null ? 'unknown' : v.fits ? 'fits' : 'does not fit';
  return `${where}: ${verdict}, needs ~${formatBytes(v.needed)}, ${free}.`;
}
