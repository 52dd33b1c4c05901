import type { WorkerInfo, WorkerState } from '../../shared/sdk';
import { describeError } from '../api/error-text';
import { TableHead, type Column } from '../ui/table-head';
import { hostLabel } from '../models/host-label';
import { useWorkersStore } from './use-workers-store';

const STATE_BADGE: Record<WorkerState, { label: string; tone: string }> = {
  starting: { label: 'Starting', tone: 'warn' },
  ready: { label: 'Ready', tone: 'ok' },
  crashed: { label: 'Crashed', tone: 'danger' },
  stopping: { label: 'Stopping', tone: 'muted' },
  stopped: { label: 'Stopped', tone: 'muted' },
};

const COLUMNS: readonly Column[] = [
  { label: 'Model' },
  { label: 'Host' },
  { label: 'State' },
  { label: 'Port', num: true },
  { label: 'PID', num: true },
  { label: 'Slots busy', num: true },
  { label: 'Restarts', num: true },
  { label: 'Last error' },
];

/** The workers the daemon starts by itself where a model's file is to answer chat, and stops when idle. */
export function OnDemandSection() {
  const { workers, loaded, error } = useWorkersStore();
  return (
    <section className="on-demand" aria-labelledby="on-demand-title" data-testid="on-demand">
      <h2 className="section-title" id="on-demand-title">
        Started on demand for chat
      </h2>
      <p className="section-sub">
        The daemon starts these when a chat needs a model that no worker serves, on the host that
        has its file (this computer first), restarts them if they crash, and stops them after a
        while idle. They are not in the table above.
      </p>
      {error ? (
        <p className="inline-error" role="alert">
          The on-demand workers could not be read: {describeError(error)}
        </p>
      ) : null}
      {workers.length > 0 ? (
        <OnDemandTable workers={workers} />
      ) : (
        <p className="on-demand-empty" data-testid="on-demand-empty">
          {loaded ? 'None running. Send a message in Chat and one appears here.' : 'Loading…'}
        </p>
      )}
    </section>
  );
}

function OnDemandTable({ workers }: { workers: WorkerInfo[] }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="on-demand-table">
        <TableHead columns={COLUMNS} />
        <tbody>
          {workers.map((w) => {
            const badge = STATE_BADGE[w.state];
            return (
              <tr key={`${w.host}/${w.id}`} data-testid="on-demand-row" data-state={w.state}>
                <td className="strong">{w.model}</td>
                <td>{hostLabel(w.host)}</td>
                <td>
                  <span className={`badge ${badge.tone}`}>{badge.label}</span>
                </td>
                <td className="num mono">{w.port ?? '—'}</td>
                <td className="num mono">{w.pid ?? '—'}</td>
                <td className="num">
                  {w.slots_busy}/{w.slots_total}
                </td>
                <td className="num">{w.restarts}</td>
                <td className="error-cell" title={w.last_error ?? undefined}>
                  {w.last_error ?? <span className="muted">—</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
