/** Runs a callback soon; returns a function that cancels it. */
export type Scheduler = (run: () => void) => () => void;

/**
 * Next animation frame, or 250 ms at the latest: a hidden tab gets no frames, and a stream's
 * data (chat tokens, log lines) should still reach its store now and then.
 */
export const frameScheduler: Scheduler = (run) => {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    run();
  };
  const frame = requestAnimationFrame(once);
  const timer = setTimeout(once, 250);
  return () => {
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
};
