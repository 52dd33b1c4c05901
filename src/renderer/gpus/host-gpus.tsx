import type { HostView } from '../../shared/events';
import type { HostStatus } from '../../shared/pool-status';
import { describeError, errorTitle } from '../api/error-text';
import { formatBytes } from '../ui/format';
import { HostStateBadge } from '../ui/host-state-badge';
import { HostSectionHead } from '../ui/host-section-head';
import { AlertIcon, GpuIcon } from '../ui/icons';
import { GpuCard } from './gpu-card';
import { formatPct } from './gpu-holders';
import { formatAgo, gpuHistory, MAX_GAP_MS, memoryPct } from './history-scale';
import './host-gpus.css';

interface HostGpusProps {
  host: HostView;
  /** The daemon's clock (epoch ms): the charts' right edge. */
  now: number;
}

/** One host's part of the GPUs view: its GPUs, or why there are none to show. */
export function HostGpus({ host, now }: HostGpusProps) {
  const { info, status, status_error: error } = host;
  const gpuCount = status?.gpus.length ?? 0;
  const facts = [
    status?.os,
    status?.arch,
    status ? (gpuCount === 0 ? 'CPU only' : gpuCount === 1 ? '1 GPU' : `${gpuCount} GPUs`) : null,
    // Only said when stale: a clock ticking every second would be noise.
    host.status_at !== null && now - host.status_at > MAX_GAP_MS
      ? `last status ${formatAgo(host.status_at, now)}`
      : null,
  ].filter(Boolean);

  return (
    <section className="host-section" data-testid="host-gpus" aria-label={`${info.name} GPUs`}>
      <HostSectionHead
        name={info.name}
        sub={<span>{facts.length > 0 ? facts.join(' · ') : info.spec}</span>}
      >
        <HostStateBadge state={info.state} localLabel="This computer" />
      </HostSectionHead>
      {info.state === 'offline' && info.reason ? (
        <p className="host-gpus-reason">{info.reason}</p>
      ) : null}

      {error ? (
        <article className="card host-note error" data-testid="host-gpus-error" role="alert">
          <div className="card-head">
            <span className="card-icon">
              <AlertIcon size={20} />
            </span>
            <div>
              <h3 className="card-title">{errorTitle(error.code)}</h3>
              <p className="host-note-text">{error.message || describeError(error)}</p>
            </div>
          </div>
          {status ? (
            <p className="host-note-text">The figures below are the last ones read.</p>
          ) : null}
        </article>
      ) : null}

      {status === null ? (
        error ? null : (
          <LoadingCard name={info.name} />
        )
      ) : (
        <ul className="gpu-grid" aria-label={`GPUs of ${info.name}`}>
          {status.gpus.length === 0 ? (
            <li>
              <NoGpuCard name={info.name} status={status} />
            </li>
          ) : (
            status.gpus.map((gpu) => (
              <li key={`${gpu.vendor}:${gpu.index}`}>
                <GpuCard
                  host={info.name}
                  gpu={gpu}
                  workers={host.workers}
                  samples={gpuHistory(host.history, gpu.index)}
                  now={now}
                />
              </li>
            ))
          )}
        </ul>
      )}
    </section>
  );
}

/** A host without GPUs still runs models, on its CPU: show what it has instead. */
function NoGpuCard({ name, status }: { name: string; status: HostStatus }) {
  const { total_bytes: total, free_bytes: free } = status.memory;
  const used = total - free;
  const ramPct = memoryPct(used, total);
  const probeNotes = status.probes.filter((p) => p.status === 'failed' || p.status === 'timeout');
  const absent = status.probes.filter((p) => p.status === 'absent').map((p) => p.tool);
  return (
    <article className="card host-note" data-testid="no-gpu" aria-label={`${name}: no GPU`}>
      <div className="card-head">
        <span className="card-icon muted">
          <GpuIcon size={20} />
        </span>
        <div>
          <h3 className="card-title">No GPU found on {name}</h3>
          <p className="card-sub">Models on this host run on its CPU and RAM.</p>
        </div>
      </div>
      <dl className="facts host-note-facts">
        <div className="host-note-cpu-fact">
          <dt>CPU</dt>
          <dd className="host-note-cpu" title={status.cpu.model}>
            {status.cpu.model || '—'}
          </dd>
        </div>
        <div>
          <dt>Cores</dt>
          <dd>{status.cpu.cores > 0 ? status.cpu.cores : '—'}</dd>
        </div>
        <div>
          <dt>RAM used</dt>
          <dd>
            {formatBytes(used)} <span className="host-note-of">/ {formatBytes(total)}</span>
          </dd>
          <span
            className="meter"
            role="meter"
            aria-label="RAM used"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={ramPct ?? undefined}
            aria-valuetext={`${formatPct(ramPct)} used`}
          >
            <span style={{ width: `${ramPct ?? 0}%` }} />
          </span>
        </div>
      </dl>
      {probeNotes.length > 0 || absent.length > 0 ? (
        <ul className="host-note-probes">
          {probeNotes.map((p) => (
            <li key={p.tool}>
              <code>{p.tool}</code> {p.status === 'timeout' ? 'timed out' : 'failed'}
              {p.message ? `: ${p.message}` : ''}
            </li>
          ))}
          {absent.length > 0 ? (
            <li>
              Looked for {absent.map((t, i) => [i > 0 ? ', ' : '', <code key={t}>{t}</code>])}: not
              installed.
            </li>
          ) : null}
        </ul>
      ) : null}
    </article>
  );
}

function LoadingCard({ name }: { name: string }) {
  return (
    <article className="card host-note loading" data-testid="host-gpus-loading" aria-busy="true">
      <div className="card-head">
        <span className="card-icon muted">
          <GpuIcon size={20} />
        </span>
        <div>
          <h3 className="card-title">Reading {name}…</h3>
          <p className="card-sub">Waiting for the host&apos;s first status report.</p>
        </div>
      </div>
      <div className="skeleton" style={{ width: '70%' }} />
      <div className="skeleton" style={{ width: '45%' }} />
    </article>
  );
}
