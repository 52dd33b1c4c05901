import './upload.css';
import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { addFiles, type OnInstalled } from './upload-queue';
import { UploadRow } from './upload-row';
import { useUploadStore } from './upload-store';

interface DropZoneProps {
  host: string;
  children?: ReactNode;
  /** Called once the host has the file and its sha256: the models list can refresh. */
  onInstalled?: OnInstalled;
}

/**
 * Wraps a host's card or models view: .gguf files dropped on it (or picked with the button, for
 * keyboard users) are checked, then uploaded to `host` one at a time with a row each.
 */
export function DropZone({ host, children, onInstalled }: DropZoneProps) {
  const [dragging, setDragging] = useState(false);
  // dragenter/dragleave fire for every child crossed: count them to know when the pointer left.
  const depth = useRef(0);
  const input = useRef<HTMLInputElement>(null);
  const allUploads = useUploadStore((s) => s.uploads);
  const uploads = allUploads.filter((u) => u.host === host);

  const carriesFiles = (event: DragEvent) => event.dataTransfer.types.includes('Files');
  const onDragEnter = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    depth.current += 1;
    setDragging(true);
  };
  const onDragOver = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    event.preventDefault(); // without it the browser opens the file instead of dropping it here
    event.dataTransfer.dropEffect = 'copy';
  };
  const onDragLeave = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    depth.current = Math.max(0, depth.current - 1);
    if (depth.current === 0) setDragging(false);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    depth.current = 0;
    setDragging(false);
    if (event.dataTransfer.files.length > 0) addFiles(host, event.dataTransfer.files, onInstalled);
  };

  return (
    <section
      className="drop-zone"
      data-dragging={dragging || undefined}
      aria-label={`Drop GGUF files to install on ${host}`}
      data-testid="drop-zone"
      onDragEnter={onDragEnter}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
    >
      {children}
      <div className="drop-zone-bar">
        <span className="drop-zone-hint">
          Drop <code>.gguf</code> files here to install them on <strong>{host}</strong>, or
        </span>
        <button type="button" className="button" onClick={() => input.current?.click()}>
          Add model file…
        </button>
        <input
          ref={input}
          type="file"
          accept=".gguf"
          multiple
          hidden
          data-testid="upload-input"
          onChange={(event) => {
            const picked = event.currentTarget.files;
            if (picked && picked.length > 0) addFiles(host, Array.from(picked), onInstalled);
            event.currentTarget.value = ''; // picking the same file again fires change again
          }}
        />
      </div>
      {uploads.length > 0 ? (
        <ul className="upload-list" aria-label={`Uploads to ${host}`}>
          {uploads.map((upload) => (
            <UploadRow key={upload.id} upload={upload} />
          ))}
        </ul>
      ) : null}
      {dragging ? (
        <div className="drop-zone-overlay" aria-hidden="true">
          Drop to install on {host}
        </div>
      ) : null}
    </section>
  );
}
