import type { WorkerInfo, WorkerState } from '../../shared/sdk';
import { describeError } from '../api/error-text';
import { useAppStore } from '../app/use-app-store';
import { EmptyState } from '../ui/empty-state';
import { WorkersIcon } from '../ui/icons';
import { usePolling } from '../ui/use-polling';
import { ViewHeader } from '../ui/view-header';
import { useWorkersStore } from './use-workers-store';

const POLL_MS = 2000;

const STATE_BADGE: Record<WorkerState, { label: string; tone: string }> = {
  starting: { label: 'Starting', tone: 'warn' },
  ready: { label: 'Ready', tone: 'ok' },
  crashed: { label: 'Crashed', tone: 'danger' },
  stopping: { label: 'Stopping', tone: 'muted' },
  stopped: { label: 'Stopped', tone: 'muted' },
};

/** The worker processes, one per loaded model, refreshed every 2 s while this view is open. */
export function WorkersView() {
  const { workers, loaded, error, refresh } = useWorkersStore();
  const setView = useAppStore((s) => s.setView);
  usePolling(refresh, POLL_MS);

  return (
    <div className="page" data-testid="workers-view">
      <ViewHeader
        title="Workers"
        subtitle="One process per loaded model. Updated every 2 seconds."
      />
      {error ? <p className="inline-error">{describeError(error)}</p> : null}
      {loaded && workers.length === 0 ? (
        <EmptyState
          testId="workers-empty"
          icon={<WorkersIcon size={28} />}
          title="No workers running"
          actions={
            <button type="button" className="button primary" onClick={() => setView('chat')}>
              Talk to a model
            </button>
          }
        >
          <p>
            A worker starts when you send a message to a model, and stops again after it has been
            idle for a while. Send one from Chat and it appears here.
          </p>
        </EmptyState>
      ) : null}
      {workers.length > 0 ? <WorkersTable workers={workers} /> : null}
      {!loaded && !error ? <p className="loading-line">Loading workers…</p> : null}
    </div>
  );
}

function WorkersTable({ workers }: { workers: WorkerInfo[] }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="workers-table">
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">State</th>
            <th scope="col" className="num">
              Port
            </th>
            <th scope="col" className="num">
              PID
            </th>
            <th scope="col" className="num">
              Slots busy
            </th>
            <th scope="col" className="num">
              Restarts
            </th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {workers.map((w) => {
            const badge = STATE_BADGE[w.state];
            return (
              <tr key={w.id} data-testid="worker-row" data-state={w.state}>
                <td className="strong mono">
                  {w.model}
                  {w.host !== 'local' ? <span className="cell-sub">{w.host}</span> : null}
                </td>
                <td>
                  <span className={`badge ${badge.tone}`}>{badge.label}</span>
                </td>
                <td className="num mono">{w.port ?? '—'}</td>
                <td className="num mono">{w.pid ?? '—'}</td>
                <td className="num">
                  <SlotsMeter busy={w.slots_busy} total={w.slots_total} />
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

function SlotsMeter({ busy, total }: { busy: number; total: number }) {
  const cells = Array.from({ length: Math.min(total, 8) }, (_, i) => i < busy);
  return (
    <span className="slots" aria-label={`${busy} of ${total} slots busy`}>
      <span className="slots-cells" aria-hidden="true">
        {cells.map((on, i) => (
          <span key={i} className={on ? 'slot on' : 'slot'} />
        ))}
      </span>
      {busy}/{total}
    </span>
  );
}
