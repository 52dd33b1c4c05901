/**
 * Apple GPUs through `system_profiler SPDisplaysDataType -json` (darwin only). Apple silicon has
 * unified memory: the GPU's memory is the host's RAM, so its figures are the RAM figures.
 */
import type { Gpu, ProbeReport } from '../../../shared/pool-status';
import { runProbe } from './probe-exec';

export const SYSTEM_PROFILER_ARGS = ['SPDisplaysDataType', '-json'];

/** "8 GB" / "1536 MB" (Intel Macs with their own VRAM) → bytes. */
function parseVram(raw: unknown): number | null {
  if (typeof raw !== 'string') return null;
  const match = /^(\d+(?:\.\d+)?)\s*(MB|GB)/i.exec(raw.trim());
  if (match === null) return null;
  const unit = match[2]?.toUpperCase() === 'GB' ? 1024 ** 3 : 1024 ** 2;
  return Math.round(Number(match[1]) * unit);
}

export function parseSystemProfiler(json: string, ram: { total: number; free: number }): Gpu[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return [];
  }
  const list = (data as { SPDisplaysDataType?: unknown } | null)?.SPDisplaysDataType;
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry: unknown, index): Gpu[] => {
    if (typeof entry !== 'object' || entry === null) return [];
    const item = entry as Record<string, unknown>;
    const name = typeof item.sppci_model === 'string' ? item.sppci_model : item._name;
    const vram = parseVram(item.spdisplays_vram ?? item.spdisplays_vram_shared);
    // Apple silicon reports no VRAM of its own and says so in its vendor field.
    const vendor = typeof item.spdisplays_vendor === 'string' ? item.spdisplays_vendor : '';
    const unified = vram === null || vendor.includes('Apple');
    return [
      {
        vendor: 'apple',
        index,
        uuid: null,
        name: typeof name === 'string' ? name : `Apple GPU ${index}`,
        memory_total_bytes: unified ? ram.total : vram,
        memory_used_bytes: unified ? ram.total - ram.free : null,
        memory_free_bytes: unified ? ram.free : null,
        unified_memory: unified,
        utilization_pct: null,
        temperature_c: null,
        power_draw_w: null,
        power_limit_w: null,
        fan_pct: null,
        pci_bus_id: null,
        driver_version: null,
        compute_capability:
          typeof item.spdisplays_mtlgpufamilysupport === 'string'
            ? item.spdisplays_mtlgpufamilysupport
            : null,
        processes: [],
      },
    ];
  });
}

export async function probeApple(ram: {
  total: number;
  free: number;
}): Promise<{ gpus: Gpu[]; report: ProbeReport }> {
  const run = await runProbe('system_profiler', SYSTEM_PROFILER_ARGS);
  if (run.status !== 'ok') {
    const report: ProbeReport = { tool: 'system_profiler', status: run.status };
    return { gpus: [], report: 'message' in run ? { ...report, message: run.message } : report };
  }
  return {
    gpus: parseSystemProfiler(run.stdout, ram),
    report: { tool: 'system_profiler', status: 'ok' },
  };
}
