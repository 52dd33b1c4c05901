import type { ErrorBody } from '../../shared/errors';
import type { KnownHostKey } from '../../shared/hosts';

/** Pure readings for the changed-key dialog, testable without a DOM. */

/** A changed host key waiting for the person to decide, from SSH_HOSTKEY_MISMATCH's details. */
export interface KeyChangeRequest {
  host: string;
  /** `host` or `[host]:port`, as known_hosts and `ssh-keygen -R` name it. */
  address: string;
  presented: string;
  keyType: string | null;
  known: KnownHostKey[];
  replaceable: boolean;
  removeCommand: string | null;
}

/**
 * The dialog's facts, or null when the error is not a changed key the dialog can show: another
 * code, a revoked key (nothing to decide), or a host offering none of the known key types.
 */
export function keyChangeRequest(
  host: string,
  error: Pick<ErrorBody, 'code' | 'details'>,
): KeyChangeRequest | null {
  if (error.code !== 'SSH_HOSTKEY_MISMATCH') return null;
  const d = error.details ?? {};
  if (d.revoked === true || typeof d.fingerprint !== 'string' || !Array.isArray(d.known)) {
    return null;
  }
  const known = (d.known as unknown[]).filter(isKnownKey);
  if (known.length === 0) return null;
  const hostname = typeof d.host === 'string' ? d.host : host;
  const port = typeof d.port === 'number' ? d.port : 22;
  return {
    host,
    address: port === 22 ? hostname : `[${hostname}]:${port}`,
    presented: d.fingerprint,
    keyType: typeof d.key_type === 'string' ? d.key_type : null,
    known,
    replaceable: d.replaceable === true,
    removeCommand: typeof d.remove_command === 'string' ? d.remove_command : null,
  };
}

function isKnownKey(value: unknown): value is KnownHostKey {
  if (typeof value !== 'object' || value === null) return false;
  const k = value as Record<string, unknown>;
  return (
    typeof k.fingerprint === 'string' &&
    typeof k.key_type === 'string' &&
    typeof k.file === 'string' &&
    typeof k.line === 'number'
  );
}
