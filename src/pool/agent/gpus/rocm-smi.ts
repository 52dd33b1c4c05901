/**
 * AMD GPUs through rocm-smi's JSON. Its keys are display strings that changed between ROCm
 * releases ("Card series" vs "Card Series"), so lookups are case-insensitive and by prefix, and a
 * card whose figures are missing still appears with nulls.
 */
import type { Gpu, ProbeReport } from '../../../shared/pool-status';
import { runProbe } from './probe-exec';
import { parseNumber } from './nvidia-smi';

export const ROCM_ARGS = [
  '--showmeminfo',
  'vram',
  '--showuse',
  '--showtemp',
  '--showproductname',
  '--json',
];

type Card = Record<string, unknown>;

function lookup(card: Card, ...prefixes: string[]): string | undefined {
  for (const prefix of prefixes) {
    const wanted = prefix.toLowerCase();
    for (const [key, value] of Object.entries(card)) {
      if (
        key.toLowerCase().startsWith(wanted) &&
        (typeof value === 'string' || typeof value === 'number')
      ) {
        return String(value);
      }
    }
  }
  return undefined;
}

export function parseRocmSmi(json: string): Gpu[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return [];
  }
  if (typeof data !== 'object' || data === null) return [];
  const gpus: Gpu[] = [];
  for (const [key, value] of Object.entries(data)) {
    const match = /^card(\d+)$/i.exec(key);
    if (match === null || typeof value !== 'object' || value === null) continue;
    const card = value as Card;
    const total = parseNumber(lookup(card, 'VRAM Total Memory'));
    const used = parseNumber(lookup(card, 'VRAM Total Used Memory'));
    const index = Number(match[1]);
    gpus.push({
      vendor: 'amd',
      index,
      uuid: lookup(card, 'Unique ID') ?? null,
      name: lookup(card, 'Card Series', 'Device Name', 'Card Model') ?? `AMD GPU ${index}`,
      memory_total_bytes: total,
      memory_used_bytes: used,
      memory_free_bytes: total !== null && used !== null ? total - used : null,
      unified_memory: false,
      utilization_pct: parseNumber(lookup(card, 'GPU use')),
      // Edge is what rocm-smi's own table shows first; junction is hotter and not on every card.
      temperature_c: parseNumber(lookup(card, 'Temperature (Sensor edge)', 'Temperature')),
      power_draw_w: null,
      power_limit_w: null,
      fan_pct: null,
      pci_bus_id: null,
      driver_version: null,
      compute_capability: lookup(card, 'GFX Version') ?? null,
      processes: [],
    });
  }
  return gpus.sort((a, b) => a.index - b.index);
}

export async function probeAmd(): Promise<{ gpus: Gpu[]; report: ProbeReport }> {
  const run = await runProbe('rocm-smi', ROCM_ARGS);
  if (run.status !== 'ok') {
    const report: ProbeReport = { tool: 'rocm-smi', status: run.status };
    return { gpus: [], report: 'message' in run ? { ...report, message: run.message } : report };
  }
  const gpus = parseRocmSmi(run.stdout);
  const report: ProbeReport = { tool: 'rocm-smi', status: 'ok' };
  return {
    gpus,
    report:
      gpus.length === 0 && run.stdout.trim() !== ''
        ? { ...report, message: 'no card in its JSON' }
        : report,
  };
}
