import { useEffect, useRef } from 'react';
import { AlertIcon, CheckIcon, FolderIcon } from '../ui/icons';
import { cancelInstall } from './host-actions';
import { Modal } from '../ui/modal';
import { useHostsStore, type InstallRun } from './use-hosts-store';

/** The install's steps as they happen, then its result; closing while it runs cancels it. */
export function InstallDialog({ run }: { run: InstallRun }) {
  const setInstall = useHostsStore((s) => s.setInstall);
  const log = useRef<HTMLOListElement>(null);
  const running = run.state === 'running';
  useEffect(() => {
    log.current?.scrollTo({ top: log.current.scrollHeight });
  }, [run.steps.length]);
  const close = () => {
    if (running) cancelInstall();
    else setInstall(null);
  };
  const verb = run.update ? 'Update' : 'Install';
  return (
    <Modal
      label={`${verb} agent on ${run.host}`}
      title={`${verb} the agent on ${run.host}`}
      icon={<FolderIcon size={20} />}
      testId="install-dialog"
      onClose={close}
      footer={
        <button type="button" className={running ? 'button' : 'button primary'} onClick={close}>
          {running ? 'Cancel' : 'Close'}
        </button>
      }
    >
      <p className="modal-hint">
        rbees packs its agent for the host, uploads it over SSH and swaps it in only once it
        answers: the agent already there keeps working until then.
      </p>
      {/* Nothing to list when the probe refused at once: only the result below. */}
      {run.steps.length > 0 || running ? (
        <ol className="install-log" ref={log} aria-label="Install steps" aria-live="polite">
          {run.steps.map((step, i) => (
            <li key={i} data-event={step.event}>
              <CheckIcon size={14} />
              <span>{step.text}</span>
            </li>
          ))}
          {running ? (
            <li className="install-pending">
              <span className="spinner" aria-hidden="true" />
              <span>{run.steps.length === 0 ? 'Probing the host…' : 'Working…'}</span>
            </li>
          ) : null}
        </ol>
      ) : null}
      {run.result ? (
        <p
          className="install-result"
          data-state={run.state}
          role={run.state === 'failed' ? 'alert' : 'status'}
        >
          {run.state === 'done' ? <CheckIcon size={16} /> : <AlertIcon size={16} />}
          <span>{run.result}</span>
        </p>
      ) : null}
    </Modal>
  );
}
