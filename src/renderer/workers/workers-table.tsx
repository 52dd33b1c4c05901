import type { HostView } from '../../shared/events';
import type { WorkerEntry } from '../../shared/pool-status';
import { TableHead, type Column } from '../ui/table-head';
import { formatRate } from '../ui/format';
import { formatSince } from './format-since';
import type { WorkerRow } from './worker-rows';

interface WorkersTableProps {
  rows: WorkerRow[];
  hosts: HostView[];
  now: number;
  /** The row whose logs are open. */
  selected: string | null;
  onLogs: (row: WorkerRow) => void;
  onRestart: (row: WorkerRow) => void;
  onStop: (row: WorkerRow) => void;
}

const STATUS: Record<WorkerEntry['status'], { label: string; tone: string }> = {
  starting: { label: 'Starting', tone: 'warn' },
  ready: { label: 'Ready', tone: 'ok' },
  unresponsive: { label: 'Unresponsive', tone: 'danger' },
  restarting: { label: 'Restarting', tone: 'warn' },
  failed: { label: 'Failed', tone: 'danger' },
};

const BACKEND_LABEL: Record<WorkerEntry['backend'], string> = {
  auto: 'Auto',
  cpu: 'CPU',
  cuda: 'CUDA',
  metal: 'Metal',
  vulkan: 'Vulkan',
};

const COLUMNS: readonly Column[] = [
  { label: 'Model' },
  { label: 'Host', col: 'w-host' },
  { label: 'Backend', col: 'w-backend' },
  { label: 'Port', col: 'w-port', num: true },
  { label: 'State', col: 'w-state' },
  { label: 'Slots', col: 'w-slots' },
  {
    label: 'Tok/s',
    col: 'w-rate',
    num: true,
    title: 'Tokens per second: the agent does not report it yet',
  },
  { label: 'Started', col: 'w-started' },
  { label: 'Actions', col: 'w-actions', hidden: true },
];

/** Every worker on every host, one row each, with its actions. */
export function WorkersTable(props: WorkersTableProps) {
  const { rows, hosts, now, selected } = props;
  return (
    <div className="table-wrap">
      <table className="table workers-table" data-testid="workers-table">
        <TableHead columns={COLUMNS} />
        <tbody>
          {rows.map((row) => (
            <Row
              key={row.key}
              row={row}
              gpuName={gpuName(hosts, row)}
              now={now}
              selected={selected === row.key}
              onLogs={props.onLogs}
              onRestart={props.onRestart}
              onStop={props.onStop}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function gpuName(hosts: HostView[], row: WorkerRow): string | null {
  const gpu = row.worker.gpu;
  if (gpu === null) return null;
  const status = hosts.find((h) => h.info.name === row.host)?.status;
  return status?.gpus.find((g) => g.index === gpu)?.name ?? null;
}

interface RowProps extends Pick<WorkersTableProps, 'now' | 'onLogs' | 'onRestart' | 'onStop'> {
  row: WorkerRow;
  gpuName: string | null;
  selected: boolean;
}

function Row({ row, gpuName, now, selected, onLogs, onRestart, onStop }: RowProps) {
  const { worker: w, pending } = row;
  const badge =
    pending === 'stopping'
      ? { label: 'Stopping…', tone: 'muted' }
      : pending === 'restarting'
        ? { label: 'Restarting…', tone: 'warn' }
        : STATUS[w.status];
  const gpu =
    w.gpu !== null
      ? `GPU ${w.gpu}${gpuName ? ` · ${gpuName}` : ''}`
      : w.backend === 'cpu'
        ? 'No GPU'
        : 'Any GPU';
  return (
    <tr
      data-testid="worker-row"
      data-host={row.host}
      data-worker={w.id}
      data-pid={w.pid}
      data-state={pending ?? w.status}
      className={`${selected ? 'selected' : ''} ${row.ghost ? 'ghost' : ''}`}
      aria-label={`${w.model} on ${row.host}`}
    >
      <td className="model-cell">
        <span className="strong model-name" title={w.model_path}>
          {w.model}
        </span>
        <span className="cell-sub mono" title={`Worker ${w.id}, process ${w.pid}`}>
          {w.id} · pid {w.pid}
        </span>
      </td>
      <td className="host-cell">{row.host}</td>
      <td>
        {BACKEND_LABEL[w.backend]}
        <span className="cell-sub" title={gpu}>
          {gpu}
        </span>
      </td>
      <td className="num mono">{w.port ?? '—'}</td>
      <td>
        {/* Why it died or was given up on, from its keeper: on hover. */}
        <span className={`badge ${badge.tone}`} title={w.last_error ?? undefined}>
          {badge.label}
        </span>
      </td>
      <td>
        <SlotsBar busy={w.slots_busy} total={w.slots_total} />
      </td>
      <td
        className="num mono"
        data-testid="worker-rate"
        title="Decode speed of its last reply through this daemon"
      >
        {row.rate === null ? '—' : formatRate(row.rate)}
      </td>
      <td className="nowrap" title={new Date(w.started_at).toLocaleString()}>
        {formatSince(w.started_at, now)}
      </td>
      <td className="row-actions">
        <button
          type="button"
          className={`ghost-button small ${selected ? 'active' : ''}`}
          aria-pressed={selected}
          onClick={() => onLogs(row)}
        >
          Logs
        </button>
        <button
          type="button"
          className="ghost-button small"
          disabled={pending !== null}
          onClick={() => onRestart(row)}
        >
          Restart
        </button>
        <button
          type="button"
          className="ghost-button small danger"
          disabled={pending !== null}
          onClick={() => onStop(row)}
        >
          Stop
        </button>
      </td>
    </tr>
  );
}

/** Busy slots as a bar and "1/4"; unknown until the worker answers /health. */
function SlotsBar({ busy, total }: { busy: number | null; total: number | null }) {
  if (busy === null || total === null || total <= 0) {
    return <span className="muted">—</span>;
  }
  const pct = Math.min(100, (busy / total) * 100);
  return (
    <span className="slots-bar" role="img" aria-label={`${busy} of ${total} slots busy`}>
      <span className="slots-track" aria-hidden="true">
        <span className="slots-fill" style={{ width: `${pct}%` }} />
      </span>
      <span className="slots-text" aria-hidden="true">
        {busy}/{total}
      </span>
    </span>
  );
}
