import { CopyButton } from '../ui/copy-button';
import { KeyIcon } from '../ui/icons';
import { trustHost } from './host-actions';
import { useHostsStore, type TrustRequest } from './use-hosts-store';
import { Modal } from '../ui/modal';

/** OpenSSH's unknown-host question, with the fingerprint to compare and an explicit choice. */
export function TrustDialog({ request }: { request: TrustRequest }) {
  const setTrust = useHostsStore((s) => s.setTrust);
  const where = request.address ?? request.spec;
  return (
    <Modal
      label="Trust host key"
      title="Trust this host's key?"
      icon={<KeyIcon size={20} />}
      tone="warn"
      testId="trust-dialog"
      onClose={() => setTrust(null)}
      footer={
        <>
          <button type="button" className="button" onClick={() => setTrust(null)}>
            Cancel
          </button>
          <button type="button" className="button primary" onClick={() => void trustHost(request)}>
            Trust
          </button>
        </>
      }
    >
      <p>
        The authenticity of host <strong>{request.host}</strong> (<code>{where}</code>) can&apos;t
        be established. rbees has never connected to it, so it cannot tell this machine from one
        pretending to be it.
      </p>
      <div className="fingerprint">
        <div className="fingerprint-row">
          <span className="fingerprint-label">
            {request.keyType ? `${request.keyType} key fingerprint` : 'Key fingerprint'}
          </span>
          <CopyButton text={request.fingerprint} label="Copy fingerprint" />
        </div>
        <code data-testid="host-fingerprint">{request.fingerprint}</code>
      </div>
      <p className="modal-hint">
        Compare it with what the host itself prints for{' '}
        <code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code>. Trust it only if they match:
        rbees then remembers the key and refuses this host if it ever changes.
      </p>
    </Modal>
  );
}
