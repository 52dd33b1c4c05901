import type { GpuSample } from '../../shared/events';
import { formatBytes } from '../ui/format';
import { formatPct, formatTemp, formatWatts } from './gpu-holders';
import { formatAgo, memoryPct, TEMP_MAX_C, yOf, type TimedSample } from './history-scale';

/** The history chart's pointer marks, its readout and its spoken summary. */

export function HoverMarks(props: {
  plotH: number;
  x: number;
  sample: TimedSample | null;
  totalMemoryBytes: number | null;
}) {
  const s = props.sample?.value;
  const mem = s ? memoryPct(s.memory_used_bytes, props.totalMemoryBytes) : null;
  const marks: [string, number | null, number][] = [
    ['mem', mem, 100],
    ['util', s?.utilization_pct ?? null, 100],
    ['temp', s?.temperature_c ?? null, TEMP_MAX_C],
  ];
  return (
    <g className="history-hover" pointerEvents="none">
      <line x1={props.x} x2={props.x} y1={0} y2={props.plotH} />
      {marks.map(([key, value, max]) =>
        value === null ? null : (
          <circle
            key={key}
            data-series={key}
            cx={props.x}
            cy={yOf(value, props.plotH, max)}
            r={3.5}
          />
        ),
      )}
    </g>
  );
}

export function Readout(props: {
  at: number;
  sample: GpuSample | null;
  now: number;
  totalMemoryBytes: number | null;
}) {
  const s = props.sample;
  if (!s) {
    return (
      <>
        <div className="readout-time">{formatAgo(props.at, props.now)}</div>
        <div className="readout-empty">No data: the host did not answer</div>
      </>
    );
  }
  const mem = memoryPct(s.memory_used_bytes, props.totalMemoryBytes);
  return (
    <>
      <div className="readout-time">{formatAgo(props.at, props.now)}</div>
      <dl>
        <dt data-series="mem">VRAM</dt>
        <dd>
          {formatPct(mem)} <span>{formatBytes(s.memory_used_bytes)}</span>
        </dd>
        <dt data-series="util">Utilisation</dt>
        <dd>{formatPct(s.utilization_pct)}</dd>
        <dt data-series="temp">Temperature</dt>
        <dd>{formatTemp(s.temperature_c)}</dd>
        <dt>Power</dt>
        <dd>{formatWatts(s.power_draw_w)}</dd>
      </dl>
    </>
  );
}

/** What a screen reader hears instead of the picture: the newest values. */
export function summary(latest: GpuSample | null, total: number | null, count: number): string {
  if (!latest || count === 0) return 'GPU history of the last 10 minutes: no samples yet';
  const mem = memoryPct(latest.memory_used_bytes, total);
  return (
    `GPU history of the last 10 minutes. Latest: VRAM ${formatPct(mem)}` +
    ` (${formatBytes(latest.memory_used_bytes)}), utilisation ${formatPct(latest.utilization_pct)},` +
    ` temperature ${formatTemp(latest.temperature_c)}, power ${formatWatts(latest.power_draw_w)}`
  );
}
