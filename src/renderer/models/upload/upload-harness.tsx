import { DropZone } from './drop-zone';

/**
 * Test harness (e2e/upload.spec.ts) until a host's models view wraps itself in a DropZone:
 * `#upload-harness=<host>` shows only the drop zone for that host.
 */
export function UploadHarness() {
  const host = decodeURIComponent(location.hash.replace(/^#upload-harness=/, '')) || 'local';
  return (
    <div className="page" data-testid="upload-harness">
      <DropZone host={host}>
        <p className="muted">Models view of {host} (test harness).</p>
      </DropZone>
    </div>
  );
}
