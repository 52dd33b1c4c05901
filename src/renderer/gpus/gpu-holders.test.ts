import { describe, expect, it } from 'vitest';
import type { Gpu, WorkerEntry } from '../../shared/pool-status';
import { formatPct, formatTemp, formatWatts, memoryHolders, tempLevel } from './gpu-holders';

const gpu: Gpu = {
  vendor: 'nvidia',
  index: 0,
  uuid: null,
  name: 'NVIDIA H200',
  memory_total_bytes: 100,
  memory_used_bytes: 60,
  memory_free_bytes: 40,
  unified_memory: false,
  utilization_pct: null,
  temperature_c: null,
  power_draw_w: null,
  power_limit_w: null,
  fan_pct: null,
  pci_bus_id: null,
  driver_version: null,
  compute_capability: null,
  processes: [
    { pid: 467, name: 'python3', used_memory_bytes: 10 },
    { pid: 900, name: 'node', used_memory_bytes: 50 },
  ],
};

function worker(id: string, pid: number, gpuIndex: number | null): WorkerEntry {
  return {
    id,
    pid,
    port: 1,
    model: `model-${id}`,
    model_path: `/m/${id}.gguf`,
    backend: 'cuda',
    gpu: gpuIndex,
    log: '',
    started_at: '',
    on_demand: false,
    restarts: 0,
    last_error: null,
    status: 'ready',
    slots_total: 1,
    slots_busy: 0,
  };
}

describe('memoryHolders', () => {
  it('names workers by pid and other processes by name, largest first', () => {
    const holders = memoryHolders(gpu, [worker('w1', 900, 0)]);
    expect(holders.map((h) => (h.kind === 'worker' ? h.worker.id : h.name))).toEqual([
      'w1',
      'python3',
    ]);
    expect(holders[0]?.used_memory_bytes).toBe(50);
  });

  it('keeps a worker pinned to this GPU that the driver does not list, memory unknown', () => {
    const holders = memoryHolders({ ...gpu, processes: [] }, [
      worker('w2', 1234, 0),
      worker('w3', 1235, 1),
      worker('w4', 1236, null),
    ]);
    expect(holders).toEqual([
      { kind: 'worker', pid: null, worker: worker('w2', 1234, 0), used_memory_bytes: null },
    ]);
  });

  it('is empty for an idle GPU', () => {
    expect(memoryHolders({ ...gpu, processes: [] }, [])).toEqual([]);
  });
});

describe('temperature and number formats', () => {
  it('colours from 80 °C and warns of throttling from 90 °C', () => {
    expect(tempLevel(null)).toBe('unknown');
    expect(tempLevel(55)).toBe('normal');
    expect(tempLevel(80)).toBe('warm');
    expect(tempLevel(90)).toBe('hot');
  });

  it('shows unknown as a dash, never 0', () => {
    expect(formatTemp(null)).toBe('—');
    expect(formatPct(null)).toBe('—');
    expect(formatWatts(null)).toBe('—');
    expect(formatTemp(55.4)).toBe('55 °C');
    expect(formatPct(0)).toBe('0%');
    expect(formatWatts(370.25)).toBe('370 W');
  });
});
