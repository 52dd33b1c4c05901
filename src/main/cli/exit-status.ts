import { constants } from 'node:os';
import type { ExitStatus } from '../ssh';

/**
 * Our exit code for a remote command's end, as shells do it: its code, or 128 + the signal's
 * number when a signal killed it. SSH sends signal names without `SIG` (RFC 4254 §6.10); ssh2
 * may pass either form.
 */
export function exitCodeOf(status: ExitStatus): number {
  if (status.signal !== null) {
    const name = status.signal.startsWith('SIG') ? status.signal : `SIG${status.signal}`;
    const number = (constants.signals as Record<string, number | undefined>)[name];
    // An unknown signal name still must not read as success.
    return number === undefined ? 255 : 128 + number;
  }
  return status.code ?? 255;
}
