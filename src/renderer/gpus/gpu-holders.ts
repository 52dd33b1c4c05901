import type { Gpu, WorkerEntry } from '../../shared/pool-status';

/** Who holds a GPU's memory: one of our workers, or some other process on the host. */
export type MemoryHolder =
  | { kind: 'worker'; pid: number | null; worker: WorkerEntry; used_memory_bytes: number | null }
  | { kind: 'process'; pid: number; name: string; used_memory_bytes: number | null };

/**
 * The GPU's processes, each matched to a worker by pid. A worker pinned to this GPU whose pid the
 * driver does not list (nvidia-smi inside a container sees other pids) is still shown, memory
 * unknown: leaving it out would make a GPU that runs a model look idle. Largest holders first.
 */
export function memoryHolders(gpu: Gpu, workers: readonly WorkerEntry[]): MemoryHolder[] {
  const byPid = new Map(workers.map((w) => [w.pid, w]));
  const holders: MemoryHolder[] = gpu.processes.map((p) => {
    const worker = byPid.get(p.pid);
    return worker
      ? { kind: 'worker', pid: p.pid, worker, used_memory_bytes: p.used_memory_bytes }
      : { kind: 'process', pid: p.pid, name: p.name, used_memory_bytes: p.used_memory_bytes };
  });
  const listed = new Set(gpu.processes.map((p) => p.pid));
  for (const worker of workers) {
    if (worker.gpu === gpu.index && worker.backend !== 'cpu' && !listed.has(worker.pid)) {
      holders.push({ kind: 'worker', pid: null, worker, used_memory_bytes: null });
    }
  }
  return holders.sort((a, b) => (b.used_memory_bytes ?? -1) - (a.used_memory_bytes ?? -1));
}

export type TempLevel = 'unknown' | 'normal' | 'warm' | 'hot';

/** ≥ 80 °C is worth a look, ≥ 90 °C is where most GPUs start to throttle. */
export function tempLevel(celsius: number | null): TempLevel {
  if (celsius === null || !Number.isFinite(celsius)) return 'unknown';
  if (celsius >= 90) return 'hot';
  if (celsius >= 80) return 'warm';
  return 'normal';
}

/** "55 °C"; unknown is "—", never 0. */
export function formatTemp(celsius: number | null): string {
  return celsius === null || !Number.isFinite(celsius) ? '—' : `${Math.round(celsius)} °C`;
}

/** "93%"; unknown is "—". */
export function formatPct(pct: number | null): string {
  return pct === null || !Number.isFinite(pct) ? '—' : `${Math.round(pct)}%`;
}

/** "370 W"; unknown is "—". */
export function formatWatts(watts: number | null): string {
  return watts === null || !Number.isFinite(watts) ? '—' : `${Math.round(watts)} W`;
}
