import { getConnection } from '../api/connection';
import { useConnectionStore, type ConnectionStatus } from '../api/use-connection-store';
import { useAppStore } from './use-app-store';
import { VIEWS } from './views';

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  online: 'Connected',
  unreachable: 'Daemon unreachable',
  unauthorized: 'Token refused',
};

/** The title of the view and whether the daemon answers. */
export function Header() {
  const view = useAppStore((s) => s.view);
  const status = useConnectionStore((s) => s.status);
  const hostname = useConnectionStore((s) => s.info?.hostname);
  const title = VIEWS.find((v) => v.id === view)?.label ?? '';
  const where = hostname ?? getConnection().apiBase.replace(/^https?:\/\//, '');

  return (
    <header className="app-header">
      <span className="app-header-title">{title}</span>
      <div
        className="connection-pill"
        data-testid="connection-status"
        data-state={status}
        role="status"
        title={`rbees daemon at ${getConnection().apiBase}`}
      >
        <span className="connection-dot" aria-hidden="true" />
        <span>{STATUS_TEXT[status]}</span>
        {status === 'online' ? <span className="connection-where">· {where}</span> : null}
      </div>
    </header>
  );
}
