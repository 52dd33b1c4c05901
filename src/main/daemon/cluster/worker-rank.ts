import type { ClusterSnapshot } from '../../../shared/events';
import type { WorkerTarget } from './worker-target';

/** A worker a host's agent runs (`rbees-pool worker spawn`), as routing sees it. */
export interface ClusterWorker {
  readonly host: string;
  readonly id: string;
  readonly model: string;
  readonly slots: number;
  target: WorkerTarget;
  /** The GPU it was spawned on; null lets llama.cpp use them all. */
  readonly gpu: number | null;
  /** Tokens of context per slot, from its /status; null when that could not be read. */
  readonly contextSize: number | null;
  /** The daemon started it for its jobs (see WorkerState.on_demand); absent: someone did. */
  readonly onDemand?: boolean;
  busy: number;
}

/** Free VRAM (bytes) where a worker runs, from the host's last GPU sample; null when unknown. */
export type FreeVram = (host: string, gpu: number | null) => number | null;

/**
 * Free VRAM from the hosts' last GPU samples: the GPU's own for a worker pinned to one, else the
 * sum over the host's GPUs (llama.cpp spreads a model over all of them).
 */
export function freeVram(state: ClusterSnapshot, host: string, gpu: number | null): number | null {
  const gpus = state.hosts.find((h) => h.info.name === host)?.status?.gpus ?? [];
  const free = gpus
    .filter((g) => gpu === null || g.index === gpu)
    .map((g) => g.memory_free_bytes)
    .filter((bytes): bytes is number => bytes !== null);
  return free.length > 0 ? free.reduce((sum, bytes) => sum + bytes, 0) : null;
}

/**
 * The order in which workers with a free slot take a job: least loaded (busy/slots) first, then
 * one someone started before one the daemon started on demand (someone started it for this; the
 * on-demand one then sits idle and is stopped), then the most free VRAM (unknown counts as
 * least), then the order given (hosts as listed: this computer first). Spilling over to other
 * hosts follows from ranking all hosts' workers together.
 */
export function rankWorkers(
  workers: readonly ClusterWorker[],
  freeVram?: FreeVram,
): ClusterWorker[] {
  const vram = new Map(workers.map((w) => [w, freeVram?.(w.host, w.gpu) ?? -1]));
  const demand = (w: ClusterWorker) => (w.onDemand === true ? 1 : 0);
  return workers
    .filter((w) => w.busy < w.slots)
    .map((w, order) => ({ w, order, load: w.busy / w.slots }))
    .sort(
      (a, b) =>
        a.load - b.load ||
        demand(a.w) - demand(b.w) ||
        (vram.get(b.w) ?? -1) - (vram.get(a.w) ?? -1) ||
        a.order - b.order,
    )
    .map(({ w }) => w);
}
