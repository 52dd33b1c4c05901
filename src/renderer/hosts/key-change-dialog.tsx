import { CopyButton } from '../ui/copy-button';
import { AlertIcon } from '../ui/icons';
import { Modal } from '../ui/modal';
import { replaceHostKey } from './host-actions';
import type { KeyChangeRequest } from './key-change';
import { useHostsStore } from './use-hosts-store';

/**
 * OpenSSH's "REMOTE HOST IDENTIFICATION HAS CHANGED", in words: what it may mean, both
 * fingerprints, where the old one is written, and a deliberate way out. rbees replaces only the
 * entry it wrote itself; the user's own known_hosts gets the command to run, never an edit.
 */
export function KeyChangeDialog({ request }: { request: KeyChangeRequest }) {
  const setKeyChange = useHostsStore((s) => s.setKeyChange);
  const close = () => setKeyChange(null);
  const files = [...new Set(request.known.map((k) => k.file))];
  return (
    <Modal
      label="Host key changed"
      title={`The host key of ${request.host} has changed`}
      icon={<AlertIcon size={20} />}
      tone="danger"
      testId="key-change-dialog"
      onClose={close}
      footer={
        request.replaceable ? (
          <>
            <button type="button" className="button" onClick={close}>
              Keep the old key
            </button>
            <button
              type="button"
              className="button danger"
              onClick={() => void replaceHostKey(request)}
            >
              Replace the key
            </button>
          </>
        ) : (
          <button type="button" className="button primary" onClick={close}>
            Close
          </button>
        )
      }
    >
      <p>
        <strong>{request.host}</strong> (<code>{request.address}</code>) presented a different key
        than the one rbees saved when it first trusted it. rbees did not connect.
      </p>
      <p>
        This is expected if the host was <strong>reinstalled</strong> or its SSH keys were{' '}
        <strong>regenerated</strong>. If neither happened, someone may be{' '}
        <strong>intercepting the connection</strong>: do not replace the key.
      </p>
      <div className="fingerprint key-change-old">
        <span className="fingerprint-label">Expected (saved) fingerprint</span>
        {request.known.map((k) => (
          <code key={`${k.file}:${k.line}`} data-testid="expected-fingerprint">
            {k.fingerprint}
          </code>
        ))}
        <span className="fingerprint-label" data-testid="known-hosts-file">
          {request.known.map((k) => `${k.file}, line ${k.line}`).join(' · ')}
        </span>
      </div>
      <div className="fingerprint key-change-new">
        <div className="fingerprint-row">
          <span className="fingerprint-label">
            {request.keyType ? `Presented ${request.keyType} fingerprint` : 'Presented fingerprint'}
          </span>
          <CopyButton text={request.presented} label="Copy fingerprint" />
        </div>
        <code data-testid="presented-fingerprint">{request.presented}</code>
      </div>
      {request.replaceable ? (
        <p className="modal-hint">
          Compare the presented fingerprint with what the host prints for{' '}
          <code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code>. Only if they match, replace
          the key: rbees removes the old entry from its own <code>{files.join(', ')}</code> and
          trusts this fingerprint, and only this one.
        </p>
      ) : (
        <div className="key-change-command">
          <p className="modal-hint">
            The old key is in <code>{files.join(', ')}</code>, your own SSH file, which rbees does
            not edit. If you have checked the new fingerprint on the host, remove the old key on
            this computer, then connect again:
          </p>
          {request.removeCommand ? (
            <div className="fingerprint">
              <div className="fingerprint-row">
                <span className="fingerprint-label">Command</span>
                <CopyButton text={request.removeCommand} label="Copy command" />
              </div>
              <code data-testid="remove-command">{request.removeCommand}</code>
            </div>
          ) : null}
        </div>
      )}
    </Modal>
  );
}
