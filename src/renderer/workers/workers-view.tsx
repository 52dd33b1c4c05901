import './workers.css';
import { useEffect, useMemo, useState } from 'react';
import { useAppStore } from '../app/use-app-store';
import { useClusterStore } from '../cluster/use-cluster-store';
import { EmptyState } from '../ui/empty-state';
import { PlusIcon, WorkersIcon } from '../ui/icons';
import { ViewHeader } from '../ui/view-header';
import { HostNotes } from './host-notes';
import { LogsPanel } from './logs-panel';
import { OnDemandSection } from './on-demand-section';
import { SpawnDialog } from './spawn-dialog';
import { StopDialog } from './stop-dialog';
import { useWorkerActions } from './use-worker-actions';
import { useOnDemandSync } from './use-workers-store';
import { buildRows, spawnableHosts, workerKey, type WorkerRow } from './worker-rows';
import { WorkersTable } from './workers-table';

/** "Started 3 min ago" moves on by itself; the data itself comes from the event stream. */
const CLOCK_MS = 15_000;

interface LogTarget {
  host: string;
  id: string;
  model: string;
}

/** Every worker on every host: spawn, stop, restart, and each one's live log. */
export function WorkersView() {
  const hosts = useClusterStore((s) => s.hosts);
  const live = useClusterStore((s) => s.live);
  const { pending, errors, stop, restart, dismiss } = useWorkerActions();
  const setView = useAppStore((s) => s.setView);
  const [spawning, setSpawning] = useState(false);
  const [stopping, setStopping] = useState<WorkerRow | null>(null);
  const [logs, setLogs] = useState<LogTarget | null>(null);
  const now = useClock(CLOCK_MS);
  useOnDemandSync();

  const rows = useMemo(() => buildRows(hosts, pending), [hosts, pending]);
  const targets = useMemo(() => spawnableHosts(hosts), [hosts]);
  const logsKey = logs ? workerKey(logs.host, logs.id) : null;
  const logsRunning = logsKey !== null && rows.some((r) => r.key === logsKey && !r.ghost);

  const openLogs = (row: WorkerRow) =>
    setLogs(
      logsKey === row.key ? null : { host: row.host, id: row.worker.id, model: row.worker.model },
    );
  const onRestart = async (row: WorkerRow) => {
    const id = await restart(row.host, row.worker);
    // The log panel follows the worker through its restart.
    if (id) setLogs((l) => (l && workerKey(l.host, l.id) === row.key ? { ...l, id } : l));
  };
  const onStop = (row: WorkerRow) => {
    setStopping(null);
    if (logsKey === row.key) setLogs(null);
    void stop(row.host, row.worker);
  };

  return (
    <div className="page workers-page" data-testid="workers-view">
      <ViewHeader
        title="Workers"
        subtitle="Every model loaded on every host, live from the daemon."
        actions={
          <button type="button" className="button primary" onClick={() => setSpawning(true)}>
            <PlusIcon size={16} />
            Spawn worker
          </button>
        }
      />
      <HostNotes hosts={hosts} />
      {errors.length > 0 ? (
        <ul className="worker-notes" aria-label="Failed actions">
          {errors.map((e) => (
            <li key={e.id} className="worker-note error" role="alert" data-testid="action-error">
              <span>{e.text}</span>
              <button type="button" className="ghost-button small" onClick={() => dismiss(e.id)}>
                Dismiss
              </button>
            </li>
          ))}
        </ul>
      ) : null}

      {rows.length > 0 ? (
        <WorkersTable
          rows={rows}
          hosts={hosts}
          now={now}
          selected={logsKey}
          onLogs={openLogs}
          onRestart={(row) => void onRestart(row)}
          onStop={setStopping}
        />
      ) : hosts.length === 0 && live === 'connecting' ? (
        <p className="loading-line">Connecting to the daemon…</p>
      ) : (
        <EmptyState
          testId="workers-empty"
          icon={<WorkersIcon size={28} />}
          title={hosts.length === 0 ? 'No hosts yet' : 'No workers running'}
          actions={
            hosts.length === 0 ? (
              <button type="button" className="button primary" onClick={() => setView('hosts')}>
                Add a host
              </button>
            ) : (
              <button type="button" className="button primary" onClick={() => setSpawning(true)}>
                Spawn a worker
              </button>
            )
          }
        >
          <p>
            {hosts.length === 0
              ? 'Workers run on pool hosts. Add a host first, then load a model on it here.'
              : 'A worker loads one model on one host and serves it to chat and the API. Spawn one to keep a model loaded.'}
          </p>
        </EmptyState>
      )}

      {logs ? (
        <LogsPanel
          key={logsKey}
          host={logs.host}
          workerId={logs.id}
          model={logs.model}
          running={logsRunning}
          onClose={() => setLogs(null)}
        />
      ) : null}

      <OnDemandSection />

      {spawning ? (
        <SpawnDialog
          hosts={targets}
          onClose={() => setSpawning(false)}
          onSpawned={() => setSpawning(false)}
        />
      ) : null}
      {stopping ? (
        <StopDialog
          host={stopping.host}
          worker={stopping.worker}
          onClose={() => setStopping(null)}
          onConfirm={() => onStop(stopping)}
        />
      ) : null}
    </div>
  );
}

function useClock(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
