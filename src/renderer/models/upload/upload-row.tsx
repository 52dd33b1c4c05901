import { formatBytes } from '../../ui/format';
import { cancelUpload } from './upload-queue';
import { ENDED, useUploadStore, type Upload } from './upload-store';

/** One file: name, size, progress, speed and its state in words, with Cancel or Dismiss. */
export function UploadRow({ upload }: { upload: Upload }) {
  const dismiss = useUploadStore((s) => s.dismiss);
  const ended = ENDED.has(upload.state);
  const percent = upload.size > 0 ? Math.floor((upload.sent / upload.size) * 100) : 100;
  const showsBar = upload.state === 'uploading' || upload.state === 'verifying';

  return (
    <li className="upload-row" data-testid="upload-row" data-state={upload.state}>
      <div className="upload-row-head">
        <span className="upload-name" title={upload.fileName}>
          {upload.fileName}
        </span>
        <span className="upload-size">{formatBytes(upload.size)}</span>
        {ended ? (
          <button type="button" className="ghost-button small" onClick={() => dismiss(upload.id)}>
            Dismiss
          </button>
        ) : (
          <button
            type="button"
            className="ghost-button small"
            onClick={() => cancelUpload(upload.id)}
          >
            Cancel
          </button>
        )}
      </div>
      {showsBar ? (
        <div
          className="upload-bar"
          role="progressbar"
          aria-label={`Upload of ${upload.fileName}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          data-verifying={upload.state === 'verifying' || undefined}
        >
          <div className="upload-bar-fill" style={{ width: `${percent}%` }} />
        </div>
      ) : null}
      <p className="upload-status" data-testid="upload-status">
        {statusText(upload, percent)}
      </p>
    </li>
  );
}

function statusText(upload: Upload, percent: number): string {
  const facts = upload.summary ? ` (${upload.summary})` : '';
  switch (upload.state) {
    case 'checking':
      return 'Checking the GGUF header…';
    case 'refused':
      return `Not sent: ${upload.error ?? 'the file was refused.'}`;
    case 'queued':
      return `Waiting for the upload before it${facts}.`;
    case 'uploading':
      return (
        `Uploading: ${percent}%, ${formatBytes(upload.sent)} of ${formatBytes(upload.size)}` +
        (upload.speed > 0 ? ` at ${formatBytes(upload.speed)}/s` : '') +
        facts
      );
    case 'verifying':
      return `Verifying on ${upload.host}: computing its sha256…`;
    case 'done':
      return `Installed on ${upload.host} as ${upload.modelId ?? upload.fileName}${facts}.`;
    case 'failed':
      return `Failed: ${upload.error ?? 'the upload did not finish.'}`;
    case 'cancelled':
      return 'Cancelled: nothing was kept on the host.';
  }
}
