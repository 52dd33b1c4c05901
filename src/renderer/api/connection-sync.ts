import { useConnectionStore, type ConnectionStatus } from './use-connection-store';

/** Re-checks often while the daemon is away (so the banner clears by itself), rarely when fine. */
const INTERVAL_MS: Record<ConnectionStatus, number> = {
  online: 15_000,
  unreachable: 3_000,
  connecting: 3_000,
  // No request while the token is wrong: the token screen checks when the user gives one.
  unauthorized: 3_000,
};

/**
 * Keeps the connection status fresh: started once by the app, stopped by the returned function.
 * Skips checks while the page is hidden and checks at once when it becomes visible again.
 */
export function startConnectionSync(): () => void {
  const store = useConnectionStore;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let stopped = false;

  const tick = async () => {
    // One loop only: a visibility change during a check must not start a second one.
    if (running || stopped) return;
    running = true;
    clearTimeout(timer);
    try {
      const { status, check } = store.getState();
      if (document.visibilityState === 'visible' && status !== 'unauthorized') await check();
    } finally {
      running = false;
      if (!stopped) timer = setTimeout(() => void tick(), INTERVAL_MS[store.getState().status]);
    }
  };
  const onVisible = () => {
    if (document.visibilityState === 'visible') void tick();
  };

  document.addEventListener('visibilitychange', onVisible);
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisible);
  };
}
