import { useEffect, useRef, useState } from 'react';
import type { ModelDetails } from '../../shared/pool-status';
import { describeError, toUiError } from '../api/error-text';
import { formatBytes } from '../ui/format';
import { hostInSentence } from './host-label';
import { useHostModelsStore } from './use-host-models-store';

interface DeleteDialogProps {
  host: string;
  model: ModelDetails;
  onClose: () => void;
}

/** "Delete X from Y?": a modal <dialog>, so focus stays inside and Escape closes it. */
export function DeleteDialog({ host, model, onClose }: DeleteDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const remove = useHostModelsStore((s) => s.remove);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const label = hostInSentence(host);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

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
    <dialog
      ref={ref}
      className="models-dialog"
      aria-labelledby="delete-model-title"
      data-testid="delete-dialog"
      onClose={onClose}
    >
      <h2 id="delete-model-title" className="models-dialog-title">
        Delete {model.id} from {label}?
      </h2>
      <p className="models-dialog-text">
        This removes <code>{model.path}</code> ({formatBytes(model.size_bytes)}) from {label}. To
        use it again, download or drop it again.
      </p>
      {error ? (
        <p className="models-dialog-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="models-dialog-actions">
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
      </div>
    </dialog>
  );
}
