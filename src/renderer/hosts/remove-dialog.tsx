import { TrashIcon } from '../ui/icons';
import { removeHost } from './host-actions';
import { Modal } from '../ui/modal';
import { useHostsStore } from './use-hosts-store';

/** Removing stops using the host; what is on it (agent, models) stays there. */
export function RemoveDialog({ host }: { host: string }) {
  const setConfirmRemove = useHostsStore((s) => s.setConfirmRemove);
  return (
    <Modal
      label={`Remove ${host}`}
      title={`Remove ${host}?`}
      icon={<TrashIcon size={20} />}
      tone="danger"
      testId="remove-dialog"
      onClose={() => setConfirmRemove(null)}
      footer={
        <>
          <button type="button" className="button" onClick={() => setConfirmRemove(null)}>
            Cancel
          </button>
          <button type="button" className="button danger" onClick={() => void removeHost(host)}>
            Remove {host}
          </button>
        </>
      }
    >
      <p>
        rbees disconnects from <strong>{host}</strong> and stops scheduling work there. Its agent,
        models and downloads stay on the host: add it again any time to use them.
      </p>
    </Modal>
  );
}
