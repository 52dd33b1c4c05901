import type { HostState } from '../../shared/hosts';

/** A host's connection state in a word, coloured by how usable it is. */
export function HostStateBadge({ state, localLabel }: { state: HostState; localLabel: string }) {
  switch (state) {
    case 'local':
      return <span className="badge ok">{localLabel}</span>;
    case 'online':
      return <span className="badge ok">Online</span>;
    case 'connecting':
      return <span className="badge warn">Connecting…</span>;
    case 'reconnecting':
      return <span className="badge warn">Reconnecting…</span>;
    case 'offline':
      return <span className="badge danger">Offline</span>;
    case 'idle':
      return <span className="badge muted">Not connected</span>;
  }
}
