/** NVIDIA GPUs through nvidia-smi's CSV queries: read-only, no CUDA context, no allocation. */
import type { Gpu, GpuProcess, ProbeReport } from '../../../shared/pool-status';
import { runProbe } from './probe-exec';

/**
 * The exact field list of the captured H200 fixtures (scripts/testing/fixtures/nvidia-smi), so
 * the parser is tested against what a real driver printed for this very query.
 */
export const GPU_FIELDS = [
  'index',
  'uuid',
  'name',
  'pci.bus_id',
  'driver_version',
  'memory.total',
  'memory.used',
  'memory.free',
  'utilization.gpu',
  'utilization.memory',
  'temperature.gpu',
  'power.draw',
  'power.limit',
  'fan.speed',
  'clocks.sm',
  'clocks.mem',
  'compute_cap',
] as const;

export const QUERY_GPU_ARGS = [
  `--query-gpu=${GPU_FIELDS.join(',')}`,
  '--format=csv,noheader,nounits',
];
/** gpu_uuid last: process names may contain commas, the other fields never do. */
export const QUERY_APPS_ARGS = [
  '--query-compute-apps=pid,process_name,used_memory,gpu_uuid',
  '--format=csv,noheader,nounits',
];

const MIB = 1024 * 1024;

/** `[N/A]`, `[Not Supported]`, `[Unknown Error]`… become null; a stray unit is tolerated. */
export function parseNumber(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const text = raw.trim();
  if (text === '' || text.startsWith('[') || /^n\/?a$/i.test(text)) return null;
  const match = /^-?\d+(\.\d+)?/.exec(text);
  return match === null ? null : Number(match[0]);
}

function parseText(raw: string | undefined): string | null {
  const text = raw?.trim() ?? '';
  return text === '' || text.startsWith('[') ? null : text;
}

function mib(raw: string | undefined): number | null {
  const value = parseNumber(raw);
  return value === null ? null : Math.round(value * MIB);
}

/** Parses `--query-gpu=GPU_FIELDS --format=csv,noheader,nounits` output. */
export function parseGpuQuery(csv: string): Gpu[] {
  const gpus: Gpu[] = [];
  for (const line of csv.split('\n')) {
    if (line.trim() === '') continue;
    // nvidia-smi separates with ", ". A GPU name containing one would shift the columns:
    // rejoin the surplus into the name.
    const cells = line.split(', ');
    const surplus = cells.length - GPU_FIELDS.length;
    if (surplus > 0) cells.splice(2, surplus + 1, cells.slice(2, 3 + surplus).join(', '));
    const field = (name: (typeof GPU_FIELDS)[number]) => cells[GPU_FIELDS.indexOf(name)];
    const index = parseNumber(field('index'));
    if (index === null) continue;
    gpus.push({
      vendor: 'nvidia',
      index,
      uuid: parseText(field('uuid')),
      name: parseText(field('name')) ?? `NVIDIA GPU ${index}`,
      memory_total_bytes: mib(field('memory.total')),
      memory_used_bytes: mib(field('memory.used')),
      memory_free_bytes: mib(field('memory.free')),
      unified_memory: false,
      utilization_pct: parseNumber(field('utilization.gpu')),
      temperature_c: parseNumber(field('temperature.gpu')),
      power_draw_w: parseNumber(field('power.draw')),
      power_limit_w: parseNumber(field('power.limit')),
      fan_pct: parseNumber(field('fan.speed')),
      pci_bus_id: parseText(field('pci.bus_id')),
      driver_version: parseText(field('driver_version')),
      compute_capability: parseText(field('compute_cap')),
      processes: [],
    });
  }
  return gpus;
}

export interface ComputeApp extends GpuProcess {
  gpu_uuid: string | null;
}

/** Parses `--query-compute-apps=pid,process_name,used_memory,gpu_uuid` (gpu_uuid optional). */
export function parseComputeApps(csv: string): ComputeApp[] {
  const apps: ComputeApp[] = [];
  for (const line of csv.split('\n')) {
    const cells = line.split(', ').map((cell) => cell.trim());
    const pid = parseNumber(cells[0]);
    if (pid === null || cells.length < 3) continue;
    const uuid = /^GPU-/.test(cells.at(-1) ?? '') ? (cells.pop() ?? null) : null;
    const used = cells.pop();
    apps.push({
      pid,
      name: cells.slice(1).join(', '),
      used_memory_bytes: mib(used),
      gpu_uuid: uuid,
    });
  }
  return apps;
}

/**
 * Gives each GPU its processes. An app without a gpu_uuid (older drivers, or the fixture's
 * three-column capture) can only be placed when there is a single GPU.
 */
export function attachApps(gpus: Gpu[], apps: readonly ComputeApp[]): Gpu[] {
  return gpus.map((gpu) => ({
    ...gpu,
    processes: apps
      .filter((app) => (app.gpu_uuid === null ? gpus.length === 1 : app.gpu_uuid === gpu.uuid))
      .map(({ pid, name, used_memory_bytes }) => ({ pid, name, used_memory_bytes })),
  }));
}

export async function probeNvidia(): Promise<{ gpus: Gpu[]; report: ProbeReport }> {
  const query = await runProbe('nvidia-smi', QUERY_GPU_ARGS);
  if (query.status !== 'ok') {
    const report: ProbeReport = { tool: 'nvidia-smi', status: query.status };
    return {
      gpus: [],
      report: 'message' in query ? { ...report, message: query.message } : report,
    };
  }
  const gpus = parseGpuQuery(query.stdout);
  const apps = await runProbe('nvidia-smi', QUERY_APPS_ARGS);
  if (apps.status !== 'ok') {
    const message = 'message' in apps ? apps.message : 'nvidia-smi vanished';
    return { gpus, report: { tool: 'nvidia-smi', status: 'ok', message: `processes: ${message}` } };
  }
  return {
    gpus: attachApps(gpus, parseComputeApps(apps.stdout)),
    report: { tool: 'nvidia-smi', status: 'ok' },
  };
}
