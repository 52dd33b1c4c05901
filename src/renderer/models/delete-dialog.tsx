import { useState } from 'react';
import type { ModelDetails } from '../../shared/pool-status';
import { describeError, toUiError } from '../api/error-text';
import { formatBytes } from '../ui/format';
import { TrashIcon } from '../ui/icons';
import { Modal } from '../ui/modal';
import { hostInSentence } from './host-label';
import { useHostModelsStore } from './use-host-models-store';

interface DeleteDialogProps {
  host: string;
  model: ModelDetails;
  onClose: () => void;
}

/** "Delete X from Y?", named by its title; it cannot be dismissed while the delete runs. */
export function DeleteDialog({ host, model, onClose }: DeleteDialogProps) {
  const remove = useHostModelsStore((s) => s.remove);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const label = hostInSentence(host);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await remove(host, model.id);
      onClose();
    } catch (err) {
      setError(`Could not delete ${model.id} from ${label}: ${describeError(toUiError(err))}`);
      setBusy(false);
    }
  };

  return (
    <Modal
      title={`Delete ${model.id} from ${label}?`}
      icon={<TrashIcon size={20} />}
      tone="danger"
      busy={busy}
      testId="delete-dialog"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose} disabled={busy} autoFocus>
            Keep it
          </button>
          <button
            type="button"
            className="button danger"
            onClick={() => void confirm()}
            disabled={busy}
          >
            {busy ? 'Deleting…' : 'Delete'}
          </button>
        </>
      }
    >
      <p>
        This removes <code>{model.path}</code> ({formatBytes(model.size_bytes)}) from {label}. To
        use it again, download or drop it again.
      </p>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </Modal>
  );
}
