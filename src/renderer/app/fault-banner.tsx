import { describeError } from '../api/error-text';
import { useFaultStore } from '../api/use-fault-store';
import { AlertIcon } from '../ui/icons';

/** Shown when a part of the page stopped on a bug: what stopped, why, and how to start again. */
export function FaultBanner() {
  const faults = useFaultStore((s) => s.faults);
  if (faults.length === 0) return null;

  return (
    <div className="connection-banner" role="alert" data-testid="fault-banner">
      <AlertIcon size={18} />
      <div className="connection-banner-text">
        {faults.map((fault, i) => (
          <strong key={i}>
            {fault.what} stopped. {describeError(fault.error)}
          </strong>
        ))}
        <span>
          This is a bug in rbees, not the daemon being away: reload the page to start again. The
          browser console has the details; please report them.
        </span>
      </div>
      <button type="button" className="button" onClick={() => location.reload()}>
        Reload
      </button>
    </div>
  );
}
