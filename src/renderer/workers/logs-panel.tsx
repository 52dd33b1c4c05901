import { LogViewer } from './logs/log-viewer';

interface LogsPanelProps {
  host: string;
  workerId: string;
  model: string;
  /** False once the worker left the host's list: its log is then as it left it. */
  running: boolean;
  onClose: () => void;
}

/** The live log of the worker chosen in the table, under it at a fixed height. */
export function LogsPanel({ host, workerId, model, running, onClose }: LogsPanelProps) {
  return (
    <section
      className="logs-panel"
      aria-label={`Logs of ${model} on ${host}`}
      data-testid="logs-panel"
    >
      <header className="logs-panel-head">
        <h2 className="section-title">
          Logs{' '}
          <span className="logs-panel-what">
            {model} on {host}
          </span>
        </h2>
        <code className="logs-panel-id">{workerId}</code>
        {running ? null : <span className="badge muted">No longer running</span>}
        <button type="button" className="ghost-button small logs-panel-close" onClick={onClose}>
          Close logs
        </button>
      </header>
      <div className="logs-panel-body">
        <LogViewer host={host} workerId={workerId} />
      </div>
    </section>
  );
}
