import type { HostView } from '../../shared/events';
import { describeError } from '../api/error-text';
import { AlertIcon } from '../ui/icons';

/** Why a host's workers may be missing or stale, in words naming the host. */
export function hostNote(host: HostView): string | null {
  const { name, state, reason } = host.info;
  if (state === 'offline') {
    return `${name} is offline${reason ? `: ${reason}` : ''}. Its workers are not listed until it is back.`;
  }
  if (state === 'reconnecting') return `${name}: reconnecting. Its workers are as last seen.`;
  if (host.status_error) {
    return `${name}: its workers could not be read. ${describeError(host.status_error)}`;
  }
  return null;
}

export function HostNotes({ hosts }: { hosts: HostView[] }) {
  const notes = hosts.flatMap((h) => {
    const text = hostNote(h);
    return text ? [{ host: h.info.name, text }] : [];
  });
  if (notes.length === 0) return null;
  return (
    <ul className="worker-notes" aria-label="Host problems">
      {notes.map((n) => (
        <li key={n.host} className="worker-note" data-testid="host-note" data-host={n.host}>
          <AlertIcon size={16} />
          <span>{n.text}</span>
        </li>
      ))}
    </ul>
  );
}
