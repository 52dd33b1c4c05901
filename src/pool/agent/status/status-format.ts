import { formatBytes } from '../cli/output';
import type { Gpu, HostStatus } from '../../../shared/pool-status';

function value(n: number | null, unit: string): string {
  return n === null ? 'n/a' : `${n}${unit}`;
}

function gpuLines(gpu: Gpu): string[] {
  const memory = gpu.unified_memory
    ? `unified memory ${formatBytes(gpu.memory_total_bytes)}`
    : `${formatBytes(gpu.memory_used_bytes)} used / ${formatBytes(gpu.memory_total_bytes)} (${formatBytes(gpu.memory_free_bytes)} free)`;
  const lines = [
    `  [${gpu.index}] ${gpu.name} (${gpu.vendor}): ${memory}, util ${value(gpu.utilization_pct, '%')}, ` +
      `${value(gpu.temperature_c, '°C')}, power ${value(gpu.power_draw_w, ' W')} / ${value(gpu.power_limit_w, ' W')}, fan ${value(gpu.fan_pct, '%')}`,
  ];
  for (const p of gpu.processes)
    lines.push(`      pid ${p.pid} ${p.name}: ${formatBytes(p.used_memory_bytes)}`);
  return lines;
}

export function formatStatus(s: HostStatus): string {
  const lines = [
    `host     ${s.hostname} — ${s.os} (${s.platform}/${s.arch}, kernel ${s.kernel})`,
    `cpu      ${s.cpu.model}, ${s.cpu.cores} cores`,
    `memory   ${formatBytes(s.memory.free_bytes)} free of ${formatBytes(s.memory.total_bytes)}`,
    `disk     ${s.disk === null ? 'unknown' : `${formatBytes(s.disk.free_bytes)} free of ${formatBytes(s.disk.total_bytes)} at ${s.disk.path}`}`,
    `gpus     ${s.gpus.length === 0 ? 'none found' : s.gpus.length}`,
    ...s.gpus.flatMap(gpuLines),
  ];
  for (const probe of s.probes.filter((p) => p.status !== 'ok' && p.status !== 'absent')) {
    lines.push(`  (${probe.tool} ${probe.status}: ${probe.message ?? ''})`);
  }
  lines.push(`models   ${s.models.length === 0 ? 'none' : s.models.length}`);
  for (const m of s.models) lines.push(`  ${m.id}  ${formatBytes(m.size_bytes)}`);
  lines.push(`workers  ${s.workers.length === 0 ? 'none' : s.workers.length}`);
  for (const w of s.workers)
    lines.push(`  ${w.id}  ${w.model} ${w.backend} port ${w.port ?? '-'} pid ${w.pid} ${w.status}`);
  return lines.join('\n');
}
