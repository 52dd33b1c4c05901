import { getConnection } from '../api/connection';
import { useConnectionStore } from '../api/use-connection-store';
import { AlertIcon } from '../ui/icons';

/** Shown while the daemon does not answer; checks go on by themselves, Retry checks now. */
export function ConnectionBanner() {
  const status = useConnectionStore((s) => s.status);
  const checking = useConnectionStore((s) => s.checking);
  const check = useConnectionStore((s) => s.check);
  if (status !== 'unreachable') return null;

  return (
    <div className="connection-banner" role="alert" data-testid="connection-banner">
      <AlertIcon size={18} />
      <div className="connection-banner-text">
        <strong>Cannot reach the rbees daemon at {getConnection().apiBase}.</strong>
        <span>
          Is it running? Start it with <code>npm run serve</code> or open the desktop app. rbees
          keeps trying every few seconds.
        </span>
      </div>
      <button
        type="button"
        className="button"
        onClick={() => void check()}
        disabled={checking}
        aria-busy={checking}
      >
        {checking ? 'Retrying…' : 'Retry'}
      </button>
    </div>
  );
}
