import {
  checksFor,
  defaultPoint,
  judge,
  largestFitting,
  type FitCheck,
  type Placement,
} from '../../shared/model-fit';
import type { HostStatus, ModelDetails } from '../../shared/pool-status';
import { formatBytes } from '../ui/format';
import { formatContext } from './model-format';

/**
 * Does it fit, before anyone tries to load it: the host's agent reports what the model needs
 * (node-llama-cpp's estimate, with the model in `models list`), and the host's live status says
 * what is free. Judged by the same rule as the agent's spawn preflight (src/shared/model-fit.ts),
 * so a "fits" here is a spawn the agent accepts.
 */
export const FIT_RULE =
  "Estimate by node-llama-cpp from the model's header, at the default context and slots: it fits where it needs at most the free memory less the padding node-llama-cpp keeps free (VRAM: 8%, at most 1.6 GiB; RAM: 25%, at most 1 GiB on Linux). The worker's own load is the final word.";

/** One place a model could run: a GPU, or the CPU and RAM of a host without GPUs. */
export interface FitVerdict {
  /** "GPU 0", or "CPU". */
  label: string;
  /** The GPU's name, or "RAM". */
  device: string;
  /** The context the verdict is for (the spawn's default). */
  ctx: number;
  /** What it needs there (VRAM on a GPU, RAM on the CPU) at that context. */
  needed: number;
  /** What it may use there; null when the host does not report it. */
  usable: number | null;
  /** null: unknown, since the free memory is not reported. */
  fits: boolean | null;
  /** The largest context (of the agent's steps, powers of two) that fits there. */
  maxCtx: number | undefined;
}

type Host = Pick<HostStatus, 'gpus' | 'memory' | 'platform'>;

/** A verdict per GPU of the host; with no GPU, one for its CPU against RAM. [] without an estimate. */
export function estimateFit(model: Pick<ModelDetails, 'fit'>, status: Host): FitVerdict[] {
  const fit = model.fit;
  const point = fit === undefined ? undefined : defaultPoint(fit);
  if (fit === undefined || point === undefined) return [];
  const verdict = (label: string, device: string, place: Placement): FitVerdict => {
    const checks = checksFor(place, status);
    const main = checks[0] as FitCheck;
    return {
      label,
      device,
      ctx: point.ctx,
      needed: main.need(point),
      usable: main.usable,
      fits: judge(point, checks).fits,
      maxCtx: largestFitting(fit, checks)?.ctx,
    };
  };
  if (status.gpus.length === 0) return [verdict('CPU', 'RAM', { on: 'cpu' })];
  return status.gpus.map((gpu) => verdict(`GPU ${gpu.index}`, gpu.name, { on: 'gpu', gpu }));
}

/** "GPU 0 (NVIDIA H200): fits, needs ~28.6 MB at 2K context, 152 GB usable; up to 4K context fits." */
export function describeVerdict(v: FitVerdict): string {
  const where = `${v.label} (${v.device})`;
  const usable = v.usable === null ? 'free memory not reported' : `${formatBytes(v.usable)} usable`;
  const verdict = v.fits === null ? 'unknown' : v.fits ? 'fits' : 'does not fit';
  const most =
    v.maxCtx === undefined ? 'no context fits' : `up to ${formatContext(v.maxCtx)} context fits`;
  return `${where}: ${verdict}, needs ~${formatBytes(v.needed)} at ${formatContext(v.ctx)} context, ${usable}; ${most}.`;
}

/** Why a model has no verdicts, for the cell's tooltip. */
export function noEstimateReason(model: Pick<ModelDetails, 'fit' | 'fit_error' | 'error'>): string {
  if (model.error !== undefined) return 'No estimate: the header is unreadable.';
  if (model.fit_error !== undefined) return `No estimate: ${model.fit_error}`;
  return "No estimate: this host's agent does not report one (update it).";
}
