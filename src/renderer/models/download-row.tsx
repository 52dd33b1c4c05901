import './downloads.css';
import { useState } from 'react';
import type { DownloadView, HostView } from '../../shared/events';
import { getPool } from '../api/connection';
import { describeError, toUiError } from '../api/error-text';
import { formatBytes } from '../ui/format';
import { hostInSentence } from './host-label';
import { formatEta } from './model-format';
import { useHostModelsStore } from './use-host-models-store';
import { visibleDownloads } from './visible-downloads';

/** The host's downloads worth showing, newest first. */
export function DownloadList({ host }: { host: HostView }) {
  const dismissed = useHostModelsStore((s) => s.dismissed);
  // When the view opened: old finished downloads are left out then, and rows never vanish
  // on their own while someone looks.
  const [openedAt] = useState(() => Date.now());
  const startedRefs = useHostModelsStore((s) => s.startedRefs);
  // Until its start event a download may be known by id only: name it by what was asked for.
  const named = host.downloads.map((d) => (d.ref ? d : { ...d, ref: startedRefs[d.id] ?? '' }));
  const shown = visibleDownloads(named, dismissed, openedAt);
  if (shown.length === 0) return null;
  return (
    <ul className="download-list" aria-label={`Downloads on ${hostInSentence(host.info.name)}`}>
      {shown.map((d) => (
        <DownloadRow key={d.id} host={host.info.name} download={d} />
      ))}
    </ul>
  );
}

const STATE_BADGE = {
  running: ['warn', 'Downloading'],
  done: ['ok', 'Done'],
  failed: ['danger', 'Failed'],
  cancelled: ['muted', 'Cancelled'],
} as const;

function DownloadRow({ host, download: d }: { host: string; download: DownloadView }) {
  const dismiss = useHostModelsStore((s) => s.dismiss);
  const started = useHostModelsStore((s) => s.started);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const label = hostInSentence(host);
  const name = d.file ?? d.ref;
  const pct = d.total ? Math.min(100, (d.bytes / d.total) * 100) : null;
  const [tone, word] = STATE_BADGE[d.state];

  const act = async (what: 'cancel' | 'retry') => {
    setBusy(true);
    setActionError(null);
    try {
      if (what === 'cancel') await getPool().cancelDownload(host, d.id);
      // The agent finds the partial file and resumes after its last byte.
      else started((await getPool().startDownload(host, d.ref)).id, d.ref);
    } catch (err) {
      const verb = what === 'cancel' ? 'cancel' : 'restart';
      setActionError(`Could not ${verb} ${name} on ${label}: ${describeError(toUiError(err))}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="download-row" data-testid="download-row" data-state={d.state} data-ref={d.ref}>
      <div className="download-row-head">
        <span className="download-name" title={d.ref}>
          {name}
        </span>
        <span className={`badge ${tone}`}>{word}</span>
        <span className="download-actions">
          {d.state === 'running' ? (
            <button
              type="button"
              className="ghost-button small"
              disabled={busy}
              aria-label={`Cancel ${name}`}
              onClick={() => void act('cancel')}
            >
              Cancel
            </button>
          ) : null}
          {d.state === 'failed' || d.state === 'cancelled' ? (
            <button
              type="button"
              className="button small"
              disabled={busy}
              aria-label={`Retry ${name}`}
              onClick={() => void act('retry')}
            >
              Retry
            </button>
          ) : null}
          {d.state !== 'running' ? (
            <button
              type="button"
              className="ghost-button small"
              aria-label={`Dismiss ${name}`}
              onClick={() => dismiss(d.id)}
            >
              Dismiss
            </button>
          ) : null}
        </span>
      </div>
      <div
        className="download-bar"
        data-state={d.state}
        role="progressbar"
        aria-label={`Download of ${name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct === null ? undefined : Math.floor(pct)}
      >
        <span style={{ width: `${d.state === 'done' ? 100 : (pct ?? 0)}%` }} />
      </div>
      <p className="download-stats" data-testid="download-stats">
        <Stats download={d} pct={pct} />
      </p>
      {d.state === 'failed' && d.error ? (
        <p className="download-error" role="alert">
          {label}: {describeError(d.error)}
        </p>
      ) : null}
      {actionError ? (
        <p className="download-error" role="alert">
          {actionError}
        </p>
      ) : null}
    </li>
  );
}

/** Fixed slots with tabular figures: the numbers change every second, the layout must not. */
function Stats({ download: d, pct }: { download: DownloadView; pct: number | null }) {
  const ofTotal = d.total
    ? `${formatBytes(d.bytes)} of ${formatBytes(d.total)}`
    : formatBytes(d.bytes);
  switch (d.state) {
    case 'running':
      return (
        <>
          <span className="stat stat-pct">
            {pct === null ? 'Starting…' : `${Math.floor(pct)}%`}
          </span>
          <span className="stat stat-bytes">{ofTotal}</span>
          <span className="stat stat-speed">
            {d.bytes_per_sec ? `${formatBytes(d.bytes_per_sec)}/s` : '—'}
          </span>
          <span className="stat stat-eta">
            {d.eta_s === null ? '' : `${formatEta(d.eta_s)} left`}
          </span>
        </>
      );
    case 'done':
      return <span className="stat">{formatBytes(d.total ?? d.bytes)} · installed</span>;
    case 'cancelled':
      return <span className="stat">Cancelled at {ofTotal}. Retry resumes from there.</span>;
    case 'failed':
      return <span className="stat">Stopped at {ofTotal}. Retry resumes from there.</span>;
  }
}
