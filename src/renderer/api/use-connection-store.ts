import { create } from 'zustand';
import type { DaemonInfo, ErrorBody } from '../../shared/sdk';
import { getClient, getConnection } from './connection';
import { toUiError } from './error-text';

/**
 * - `connecting`: the first answer has not come yet.
 * - `online`: the daemon answered with our token.
 * - `unreachable`: nothing answered (banner with Retry; checks go on in the background).
 * - `unauthorized`: the daemon answered 401, or this page has no token at all.
 */
export type ConnectionStatus = 'connecting' | 'online' | 'unreachable' | 'unauthorized';

interface ConnectionState {
  status: ConnectionStatus;
  info: DaemonInfo | null;
  /** The last failure, for the banner and the token screen. */
  error: ErrorBody | null;
  checking: boolean;
  /** Asks the daemon for its info; the answer (or the failure) sets the status. */
  check: () => Promise<void>;
  /** Any feature's failed call lands here, so one dead daemon shows one banner. */
  report: (err: unknown) => void;
  /** A call succeeded: whatever was wrong is over. */
  reachable: () => void;
}

export const useConnectionStore = create<ConnectionState>()((set, get) => ({
  status: 'connecting',
  info: null,
  error: null,
  checking: false,
  check: async () => {
    if (!getConnection().token) {
      set({
        status: 'unauthorized',
        error: { code: 'UNAUTHORIZED', message: 'This page was opened without a token.' },
      });
      return;
    }
    set({ checking: true });
    try {
      const info = await getClient().info();
      set({ status: 'online', info, error: null, checking: false });
    } catch (err) {
      set({ checking: false });
      get().report(err);
    }
  },
  report: (err) => {
    const error = toUiError(err);
    if (error.code === 'DAEMON_UNREACHABLE') set({ status: 'unreachable', error });
    else if (error.code === 'UNAUTHORIZED') set({ status: 'unauthorized', error });
  },
  reachable: () => {
    if (get().status === 'unreachable') void get().check();
  },
}));
