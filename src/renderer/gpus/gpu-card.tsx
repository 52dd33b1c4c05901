import type { Gpu, GpuVendor, WorkerEntry } from '../../shared/pool-status';
import { formatBytes } from '../ui/format';
import { GpuIcon } from '../ui/icons';
import {
  formatPct,
  formatTemp,
  formatWatts,
  memoryHolders,
  tempLevel,
  type MemoryHolder,
} from './gpu-holders';
import { HistoryChart } from './history-chart';
import { memoryPct, type TimedSample } from './history-scale';
import './gpu-card.css';

interface GpuCardProps {
  /** The host's name, for the card's accessible name. */
  host: string;
  gpu: Gpu;
  /** The host's workers, to name the processes holding this GPU's memory. */
  workers: readonly WorkerEntry[];
  /** This GPU's samples, oldest first. */
  samples: TimedSample[];
  now: number;
}

const VENDOR: Record<GpuVendor, string> = { nvidia: 'NVIDIA', amd: 'AMD', apple: 'Apple' };

/** One GPU: memory, load, heat and power now, the last ten minutes, and who holds its memory. */
export function GpuCard({ host, gpu, workers, samples, now }: GpuCardProps) {
  const used = gpu.memory_used_bytes;
  const total = gpu.memory_total_bytes;
  const pct = memoryPct(used, total);
  const temp = tempLevel(gpu.temperature_c);
  const holders = memoryHolders(gpu, workers);
  const details = [
    VENDOR[gpu.vendor],
    `GPU ${gpu.index}`,
    gpu.driver_version ? `driver ${gpu.driver_version}` : null,
    gpu.compute_capability ? `compute ${gpu.compute_capability}` : null,
  ].filter(Boolean);

  return (
    <article
      className="card gpu-card"
      data-testid="gpu-card"
      aria-label={`${host} GPU ${gpu.index}: ${gpu.name}`}
    >
      <header className="card-head">
        <span className="card-icon">
          <GpuIcon size={20} />
        </span>
        <div className="gpu-card-title">
          <h3 className="card-title" title={gpu.name}>
            {gpu.name}
          </h3>
          <p className="card-sub">{details.join(' · ')}</p>
        </div>
        <span className="gpu-index" title="Device index (--gpu N)">
          #{gpu.index}
        </span>
      </header>

      <div className="gpu-memory" data-testid="gpu-memory">
        <div className="gpu-memory-label">
          <span>{gpu.unified_memory ? 'Unified memory' : 'VRAM'}</span>
          <span className="gpu-memory-numbers">
            <strong>{formatBytes(used)}</strong> / {formatBytes(total)}
            <span className="gpu-memory-pct">{formatPct(pct)}</span>
          </span>
        </div>
        <div
          className="meter"
          role="meter"
          aria-label={gpu.unified_memory ? 'Unified memory used' : 'VRAM used'}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct ?? undefined}
          aria-valuetext={
            pct === null ? 'unknown' : `${formatBytes(used)} of ${formatBytes(total)} used`
          }
          data-level={pct !== null && pct >= 95 ? 'full' : undefined}
        >
          <span style={{ width: `${pct ?? 0}%` }} />
        </div>
        {gpu.unified_memory ? (
          <p className="gpu-memory-note">Shared with the CPU: this is the host&apos;s RAM.</p>
        ) : null}
      </div>

      <dl className="gpu-stats">
        <div>
          <dt>Utilisation</dt>
          <dd>{formatPct(gpu.utilization_pct)}</dd>
          <span className="stat-bar" aria-hidden="true">
            <span style={{ width: `${gpu.utilization_pct ?? 0}%` }} />
          </span>
        </div>
        <div data-temp={temp}>
          <dt>Temperature</dt>
          <dd>{formatTemp(gpu.temperature_c)}</dd>
          <span className="stat-note">
            {temp === 'hot' ? 'Throttling range' : temp === 'warm' ? 'Running warm' : ' '}
          </span>
        </div>
        <div>
          <dt>Power</dt>
          <dd>{formatWatts(gpu.power_draw_w)}</dd>
          <span className="stat-note">
            {gpu.power_limit_w === null ? ' ' : `of ${formatWatts(gpu.power_limit_w)} limit`}
          </span>
        </div>
      </dl>

      <HistoryChart samples={samples} totalMemoryBytes={total} now={now} />

      <section className="gpu-holders" aria-label="Memory held by">
        <h4>Memory held by</h4>
        {holders.length === 0 ? (
          <p className="gpu-holders-empty">No process holds memory on this GPU.</p>
        ) : (
          <ul>
            {holders.map((h) => (
              <Holder key={holderKey(h)} holder={h} />
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}

function Holder({ holder }: { holder: MemoryHolder }) {
  return (
    <li data-testid="gpu-holder" data-kind={holder.kind}>
      <span className="holder-dot" aria-hidden="true" />
      <span className="holder-name">
        {holder.kind === 'worker' ? (
          <>
            worker {holder.worker.id} · <strong>{holder.worker.model}</strong>
          </>
        ) : (
          <>
            <strong>{holder.name}</strong> <span className="holder-other">not an rbees worker</span>
          </>
        )}
        {holder.pid !== null ? <span className="holder-pid"> pid {holder.pid}</span> : null}
      </span>
      <span className="holder-mem">{formatBytes(holder.used_memory_bytes)}</span>
    </li>
  );
}

function holderKey(h: MemoryHolder): string {
  return h.kind === 'worker' ? `w:${h.worker.id}` : `p:${h.pid}`;
}
