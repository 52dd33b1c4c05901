import type { WorkerEntry } from '../../shared/pool-status';
import { StopIcon } from '../ui/icons';
import { Modal } from '../ui/modal';

interface StopDialogProps {
  host: string;
  worker: WorkerEntry;
  onConfirm: () => void;
  onClose: () => void;
}

/** "Stop script on gpu1?": stopping cuts off any reply the worker is generating. */
export function StopDialog({ host, worker, onConfirm, onClose }: StopDialogProps) {
  const busy = worker.slots_busy ?? 0;
  return (
    <Modal
      label={`Stop ${worker.model} on ${host}`}
      title={`Stop ${worker.model} on ${host}?`}
      icon={<StopIcon size={20} />}
      tone="danger"
      onClose={onClose}
      testId="stop-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose} autoFocus>
            Cancel
          </button>
          <button type="button" className="button danger" onClick={onConfirm}>
            Stop worker
          </button>
        </>
      }
    >
      <p>
        Worker <code>{worker.id}</code>
        {worker.port !== null ? ` on port ${worker.port}` : ''} ends now and frees its memory.{' '}
        {busy > 0
          ? `It is generating ${busy === 1 ? 'a reply' : `${busy} replies`} right now: ${busy === 1 ? 'it is' : 'they are'} cut off.`
          : 'It is idle: nothing is cut off.'}
      </p>
    </Modal>
  );
}
