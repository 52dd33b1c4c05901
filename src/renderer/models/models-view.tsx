import { useEffect } from 'react';
import { describeError } from '../api/error-text';
import { useConnectionStore } from '../api/use-connection-store';
import { useAppStore } from '../app/use-app-store';
import { useChatStore } from '../chat/use-chat-store';
import { CopyButton } from '../ui/copy-button';
import { EmptyState } from '../ui/empty-state';
import { formatBytes } from '../ui/format';
import { ModelsIcon, RefreshIcon } from '../ui/icons';
import { ViewHeader } from '../ui/view-header';
import { useModelsStore } from './use-models-store';

/** The .gguf models the daemon found, with a way to chat with each. */
export function ModelsView() {
  const { models, loaded, loading, error, refresh } = useModelsStore();
  const modelsDir = useConnectionStore((s) => s.info?.models_dir);
  const setView = useAppStore((s) => s.setView);
  const updateSettings = useChatStore((s) => s.updateSettings);
  useEffect(() => void refresh(), [refresh]);

  const chatWith = (id: string) => {
    updateSettings({ model: id });
    setView('chat');
  };
  const refreshButton = (
    <button type="button" className="button" onClick={() => void refresh()} disabled={loading}>
      <RefreshIcon size={15} />
      {loading ? 'Refreshing…' : 'Refresh'}
    </button>
  );
  const folder = modelsDir ? (
    <span className="path-chip">
      <code>{modelsDir}</code>
      <CopyButton text={modelsDir} label="Copy path" />
    </span>
  ) : (
    <code>$RBEES_HOME/models</code>
  );

  return (
    <div className="page" data-testid="models-view">
      <ViewHeader
        title="Models"
        subtitle={<>GGUF models on this computer, read from {folder}</>}
        actions={refreshButton}
      />
      {error && !loaded ? <p className="inline-error">{describeError(error)}</p> : null}
      {loaded && models.length === 0 ? (
        <EmptyState
          testId="models-empty"
          icon={<ModelsIcon size={28} />}
          title="No models yet"
          actions={refreshButton}
        >
          <p>
            Put one or more <code>.gguf</code> files in the models folder:
          </p>
          <p>{folder}</p>
          <p>then press Refresh. Each file becomes a model named after it, ready to chat with.</p>
        </EmptyState>
      ) : null}
      {models.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="models-table">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col" className="num">
                  Size
                </th>
                <th scope="col">Host</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {models.map((m) => (
                <tr key={`${m.host}/${m.id}`} data-testid="model-row" data-model={m.id}>
                  <td className="strong mono">{m.id}</td>
                  <td className="num">{formatBytes(m.size_bytes)}</td>
                  <td>{m.host === 'local' ? 'This computer' : m.host}</td>
                  <td>
                    <span className={`badge ${m.loaded ? 'ok' : 'muted'}`}>
                      {m.loaded ? 'Loaded' : 'On disk'}
                    </span>
                  </td>
                  <td className="actions">
                    <button
                      type="button"
                      className="ghost-button small"
                      onClick={() => chatWith(m.id)}
                      title={`Talk to ${m.id}`}
                    >
                      Use
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {!loaded && !error ? <p className="loading-line">Loading models…</p> : null}
    </div>
  );
}
