import { toUiError } from './error-text';

/**
 * Whether a failed call to the daemon is worth making again by itself: the daemon is away (the
 * connection banner says so) or refuses our token (the token screen asks for one). Anything else
 * (a reducer's TypeError, an answer that does not parse, a daemon's INTERNAL) is a bug that a
 * retry would only hide: report it (useFaultStore) instead.
 */
export function isRetryable(err: unknown): boolean {
  const { code } = toUiError(err);
  return code === 'DAEMON_UNREACHABLE' || code === 'UNAUTHORIZED';
}
