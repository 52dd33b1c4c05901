import './downloads.css';
import { useId, useState, type FormEvent } from 'react';
import type { ErrorBody } from '../../shared/errors';
import { getPool } from '../api/connection';
import { describeError, toUiError } from '../api/error-text';
import { hostInSentence } from './host-label';
import { useHostModelsStore } from './use-host-models-store';

const EXAMPLES = ['tinyllama', 'org/repo:Q4_K_M', 'hf:org/repo@main::file=NAME.gguf'];

/** A reference box and a Download button: the host fetches the file itself, detached. */
export function DownloadForm({ host }: { host: string }) {
  const [ref, setRef] = useState('');
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();
  const label = hostInSentence(host);
  const started = useHostModelsStore((s) => s.started);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const wanted = ref.trim();
    if (!wanted || starting) return;
    setStarting(true);
    setError(null);
    try {
      // The row appears from the event stream; the host keeps downloading if the app closes.
      const { id } = await getPool().startDownload(host, wanted);
      started(id, wanted);
      setRef('');
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setStarting(false);
    }
  };

  return (
    <form className="download-form" onSubmit={(e) => void submit(e)} data-testid="download-form">
      <label className="download-label" htmlFor={inputId}>
        Model reference
        <span className="visually-hidden"> to download on {label}</span>
      </label>
      <div className="download-controls">
        <input
          id={inputId}
          type="text"
          className="download-input"
          value={ref}
          onChange={(e) => {
            setRef(e.target.value);
            if (error) setError(null);
          }}
          placeholder={`e.g. ${EXAMPLES.join('   ·   ')}`}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : hintId}
        />
        <button type="submit" className="button primary" disabled={starting || ref.trim() === ''}>
          {starting ? 'Starting…' : 'Download'}
        </button>
      </div>
      {error ? (
        <p className="download-form-error" id={errorId} role="alert">
          Could not start the download on {label}: {describeError(error)}
        </p>
      ) : (
        <p className="download-hint" id={hintId}>
          An alias, <code>org/repo:QUANT</code>, or <code>hf:org/repo::file=NAME.gguf</code>. The
          download runs on {label} and survives closing the app.
        </p>
      )}
    </form>
  );
}
