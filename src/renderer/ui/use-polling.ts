import { useEffect } from 'react';

/**
 * Calls `refresh` now and every `intervalMs` while the component is mounted and the page is
 * visible (a hidden tab polls nothing and catches up when shown again).
 */
export function usePolling(refresh: () => Promise<void>, intervalMs: number): void {
  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const start = () => {
      if (timer !== undefined || document.visibilityState !== 'visible') return;
      void refresh();
      timer = setInterval(() => void refresh(), intervalMs);
    };
    const stop = () => {
      clearInterval(timer);
      timer = undefined;
    };
    const onVisibility = () => (document.visibilityState === 'visible' ? start() : stop());
    start();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [refresh, intervalMs]);
}
