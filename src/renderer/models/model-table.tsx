import type { HostView } from '../../shared/events';
import type { HostStatus, ModelDetails } from '../../shared/pool-status';
import { useAppStore } from '../app/use-app-store';
import { useChatStore } from '../chat/use-chat-store';
import { formatBytes } from '../ui/format';
import { ModelsIcon, TrashIcon } from '../ui/icons';
import { TableHead, type Column } from '../ui/table-head';
import { FitChips } from './fit-chips';
import { FIT_RULE } from './fit';
import { hostInSentence } from './host-label';
import { formatContext, formatParams, formatQuant } from './model-format';
import type { HostModels } from './use-host-models-store';

interface ModelTableProps {
  host: HostView;
  list: HostModels;
  onDelete: (model: ModelDetails) => void;
}

const COLUMNS: readonly Column[] = [
  { label: 'Model' },
  { label: 'Arch', col: 'col-arch' },
  { label: 'Params', col: 'col-params', num: true },
  { label: 'Quant', col: 'col-quant' },
  { label: 'Context', col: 'col-ctx', num: true },
  { label: 'Size', col: 'col-size', num: true },
  { label: 'Fits', col: 'col-fit', title: FIT_RULE },
  { label: 'Actions', col: 'col-actions', hidden: true },
];

/** The host's installed models with their GGUF facts and a fit estimate per GPU. */
export function ModelTable({ host, list, onDelete }: ModelTableProps) {
  const name = host.info.name;
  const label = hostInSentence(name);
  if (!list.loaded) {
    return list.error ? null : <SkeletonRows label={label} />;
  }
  if (list.models.length === 0) {
    return (
      <div className="models-empty" data-testid="host-models-empty">
        <span className="models-empty-icon">
          <ModelsIcon size={22} />
        </span>
        <div>
          <p className="models-empty-title">No models on {label} yet</p>
          <p className="models-empty-text">
            Download one by reference above, or drop a <code>.gguf</code> file below.
          </p>
        </div>
      </div>
    );
  }
  return (
    <div className="models-table-wrap">
      <table className="table models-table" aria-label={`Models on ${label}`}>
        <TableHead columns={COLUMNS} />
        <tbody>
          {list.models.map((model) => (
            <ModelRow
              key={model.id}
              host={name}
              status={host.status}
              model={model}
              onDelete={() => onDelete(model)}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface ModelRowProps {
  host: string;
  status: HostStatus | null;
  model: ModelDetails;
  onDelete: () => void;
}

function ModelRow({ host, status, model, onDelete }: ModelRowProps) {
  const setView = useAppStore((s) => s.setView);
  const updateSettings = useChatStore((s) => s.updateSettings);
  const title = model.name && model.name !== model.id ? model.name : null;
  return (
    <tr data-testid="model-row" data-host={host} data-model={model.id}>
      <td className="model-cell">
        <span className="model-id" title={model.path}>
          {model.id}
        </span>
        {model.error ? (
          <span className="model-header-error" title={model.error}>
            Header unreadable: {model.error}
          </span>
        ) : (
          <span className="cell-sub model-sub">{title ?? model.path.split('/').pop()}</span>
        )}
      </td>
      <td>{model.architecture ?? '—'}</td>
      <td className="num">{model.size_label ?? formatParams(model.parameter_count)}</td>
      <td>
        {model.file_type ? (
          <span className="quant" title={model.file_type}>
            {formatQuant(model.file_type)}
          </span>
        ) : (
          '—'
        )}
      </td>
      <td className="num">{formatContext(model.context_length)}</td>
      <td className="num">{formatBytes(model.size_bytes)}</td>
      <td>
        <FitChips model={model} status={status} />
      </td>
      <td className="actions">
        <span className="model-actions">
          {host === 'local' ? (
            <button
              type="button"
              className="ghost-button small"
              title={`Chat with ${model.id}`}
              onClick={() => {
                updateSettings({ model: model.id });
                setView('chat');
              }}
            >
              Chat
            </button>
          ) : null}
          <button
            type="button"
            className="ghost-button small danger"
            aria-label={`Delete ${model.id} from ${hostInSentence(host)}`}
            onClick={onDelete}
          >
            <TrashIcon size={14} />
            Delete
          </button>
        </span>
      </td>
    </tr>
  );
}

function SkeletonRows({ label }: { label: string }) {
  return (
    <div className="models-skeleton" aria-busy="true" aria-label={`Reading the models of ${label}`}>
      {[0, 1].map((i) => (
        <div key={i} className="models-skeleton-row">
          <span className="skeleton" style={{ width: '38%' }} />
          <span className="skeleton" style={{ width: '22%' }} />
        </div>
      ))}
    </div>
  );
}
