import { useEffect } from 'react';
import { getConnection } from '../api/connection';
import { useConnectionStore } from '../api/use-connection-store';
import { useAppStore } from '../app/use-app-store';
import { useModelsStore } from '../models/use-models-store';
import { formatBytes } from '../ui/format';
import { HostsIcon, PlusIcon } from '../ui/icons';
import { ViewHeader } from '../ui/view-header';

/** The machines of the cluster. Today: this computer; SSH hosts come with the pool agent. */
export function HostsView() {
  const info = useConnectionStore((s) => s.info);
  const status = useConnectionStore((s) => s.status);
  const models = useModelsStore((s) => s.models);
  const modelsLoaded = useModelsStore((s) => s.loaded);
  const refresh = useModelsStore((s) => s.refresh);
  const setView = useAppStore((s) => s.setView);
  useEffect(() => void refresh(), [refresh]);

  const local = models.filter((m) => m.host === 'local');
  const loadedCount = local.filter((m) => m.loaded).length;
  const diskBytes = local.reduce((sum, m) => sum + (m.size_bytes ?? 0), 0);

  return (
    <div className="page" data-testid="hosts-view">
      <ViewHeader title="Hosts" subtitle="The machines whose GPUs rbees pools together." />
      <ul className="card-grid" aria-label="Hosts">
        <li className="card host-card" data-testid="host-card">
          <div className="card-head">
            <span className="card-icon">
              <HostsIcon size={20} />
            </span>
            <div>
              <h2 className="card-title">This computer</h2>
              <p className="card-sub">{info?.hostname ?? getConnection().apiBase}</p>
            </div>
            <span className={`badge ${status === 'online' ? 'ok' : 'muted'}`}>
              {status === 'online' ? 'Online' : status === 'connecting' ? 'Checking…' : 'Offline'}
            </span>
          </div>
          <dl className="facts">
            <div>
              <dt>Models</dt>
              <dd data-testid="host-models-count">{modelsLoaded ? local.length : '—'}</dd>
            </div>
            <div>
              <dt>Loaded now</dt>
              <dd>{modelsLoaded ? loadedCount : '—'}</dd>
            </div>
            <div>
              <dt>On disk</dt>
              <dd>{modelsLoaded ? formatBytes(diskBytes) : '—'}</dd>
            </div>
          </dl>
          <p className="card-path" title="Models folder">
            {info ? <code>{info.models_dir}</code> : null}
          </p>
          <div className="card-actions">
            <button type="button" className="button" onClick={() => setView('chat')}>
              Talk to a model
            </button>
          </div>
        </li>
        <li className="card card-placeholder" aria-label="Add a host">
          <span className="card-icon muted">
            <PlusIcon size={20} />
          </span>
          <h2 className="card-title">More machines</h2>
          <p>
            Other computers of your home lab join over SSH once the <code>rbees-pool</code> agent
            arrives: rbees will then list each one here with its GPUs and models. Until then, every
            model runs on this computer.
          </p>
        </li>
      </ul>
    </div>
  );
}
