/**
 * Will the model fit? Checked before a worker starts, with the estimate `models list` reports
 * (node-llama-cpp's, models/fit-estimate.ts) at the spawn's --ctx and --slots, and judged by the
 * rule the UI uses (src/shared/model-fit.ts): a "fits" the UI shows is a spawn this accepts. The
 * worker's own load is the final word; without an estimate (unreadable header) it decides alone.
 */
import { RbeesError } from '../../../shared/errors';
import { checksFor, judge, type Placement } from '../../../shared/model-fit';
import type { FitPoint, Gpu, WorkerBackend } from '../../../shared/pool-status';

export const FORMULA = "node-llama-cpp's GgufInsights, against free memory less its padding";

export interface PreflightInput {
  model: string;
  /** The estimate at the spawn's context and slots; undefined when none could be made. */
  need: FitPoint | undefined;
  slots: number;
  backend: WorkerBackend;
  gpu: number | undefined;
  gpus: readonly Gpu[];
  ram: { total: number; free: number };
  platform: string;
}

/** Where the worker would run; undefined: nothing here can measure it, let the worker decide. */
function placement(input: PreflightInput): Placement | undefined {
  const { backend, gpu } = input;
  const discrete = input.gpus.filter((g) => !g.unified_memory);
  switch (backend) {
    case 'cpu':
      return { on: 'cpu' };
    case 'metal':
      return { on: 'unified' };
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
      // Without --gpu llama.cpp splits the layers over every visible GPU.
      if (gpu === undefined) return { on: 'gpus', gpus: pool };
      const chosen = pool.find((g) => g.index === gpu);
      if (chosen === undefined) {
        const indexes = pool.map((g) => g.index).join(', ');
        throw new RbeesError(
          'BAD_REQUEST',
          `--gpu ${gpu}: no such GPU on this host (GPUs: ${indexes})`,
          { gpu, gpus: pool.map((g) => g.index) },
        );
      }
      return { on: 'gpu', gpu: chosen };
    }
    case 'auto':
      if (input.platform === 'darwin') return { on: 'unified' };
      if (discrete.length > 0) return { on: 'gpus+ram', gpus: discrete };
      return { on: 'cpu' };
  }
}

/** Throws INSUFFICIENT_VRAM (with the numbers) when the estimate exceeds what is usable. */
export function checkFits(input: PreflightInput): void {
  const place = placement(input);
  if (place === undefined || input.need === undefined) return;
  const host = {
    memory: { total_bytes: input.ram.total, free_bytes: input.ram.free },
    platform: input.platform,
  };
  const need = input.need;
  const { fits, failed } = judge(need, checksFor(place, host));
  if (fits === true || failed === undefined) return;
  const required = failed.need(need);
  const available = failed.usable ?? 0;
  const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  const usable = failed.usable === null ? 'not reported' : gib(available);
  const slots = input.slots === 1 ? '1 slot' : `${input.slots} slots`;
  throw new RbeesError(
    'INSUFFICIENT_VRAM',
    `${input.model} needs about ${gib(required)} at context ${need.ctx} × ${slots} but ${failed.what} ` +
      `is ${usable} (estimate: ${FORMULA}) — choose a smaller model or quantization, fewer --slots or a smaller --ctx, or another GPU`,
    {
      model: input.model,
      backend: input.backend,
      gpu: input.gpu ?? null,
      memory: failed.memory,
      ctx: need.ctx,
      slots: input.slots,
      required_bytes: required,
      available_bytes: available,
      formula: FORMULA,
    },
  );
}
