const PARENT_POLL_MS = 1000;

/**
 * Calls `onGone` once the process `pid` is gone (the worker's `--parent-pid`), checking every
 * second; returns the function that stops watching. The timer never keeps the worker up itself.
 */
export function watchParent(pid: number, onGone: () => void, everyMs = PARENT_POLL_MS): () => void {
  const timer = setInterval(() => {
    try {
      process.kill(pid, 0);
    } catch (err) {
      // EPERM: it exists but belongs to someone else. Only ESRCH means it is gone.
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') {
        clearInterval(timer);
        onGone();
      }
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
