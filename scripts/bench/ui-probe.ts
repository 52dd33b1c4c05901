import type { Page } from '@playwright/test';

/** A moment the page reaches: at least `count` elements match `selector` (and `pattern`). */
export interface Mark {
  name: string;
  selector: string;
  count?: number;
  /** A RegExp source that the element's textContent must match. */
  pattern?: string;
}

/** What the probe collected, in the page's performance.now() time (0 = navigation start). */
export interface ProbeSample {
  /** Long tasks (> 50 ms, Chromium's definition) as [start, duration]. */
  tasks: [number, number][];
  /** The timestamp of every animation frame since the probe started. */
  frames: number[];
  /** The first frame at which each mark held. */
  marks: Record<string, number>;
  /** The first click after the probe started (a Send button), if any. */
  clickAt: number | null;
  now: number;
}

/**
 * The in-page probe: long tasks from a buffered PerformanceObserver, every animation frame, and
 * the first frame at which each mark holds. Marks are checked once per frame, not by a
 * MutationObserver, which would add work to every DOM change of the thing being measured.
 * It is source text, not a function: tsx (esbuild keepNames) wraps named functions in a
 * `__name()` helper that does not exist in the page.
 */
function probeSource(marks: Mark[]): string {
  return `(() => {
  const marks = ${JSON.stringify(marks)};
  const old = window.__uiBench;
  if (old) { old.stop = true; old.observer.disconnect(); }
  const state = { tasks: [], frames: [], marks: {}, clickAt: null, stop: false };
  state.observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) state.tasks.push([e.startTime, e.duration]);
  });
  state.observer.observe({ type: 'longtask', buffered: true });
  window.__uiBench = state;
  addEventListener('click', () => {
    if (state.clickAt === null && !state.stop) state.clickAt = performance.now();
  }, true);
  const holds = (mark) => {
    const re = mark.pattern ? new RegExp(mark.pattern) : null;
    let n = 0;
    for (const el of document.querySelectorAll(mark.selector)) {
      if (!re || re.test(el.textContent || '')) n++;
    }
    return n >= (mark.count || 1);
  };
  const frame = (t) => {
    if (state.stop) return;
    state.frames.push(t);
    for (const mark of marks) {
      if (!(mark.name in state.marks) && holds(mark)) state.marks[mark.name] = t;
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();`;
}

/** Starts the probe before the page's own scripts, on every navigation of this page. */
export async function probeFromNavigation(page: Page, marks: Mark[]): Promise<void> {
  await page.addInitScript({ content: probeSource(marks) });
}

/** Starts (or restarts) the probe in the page as it is now. */
export async function probeNow(page: Page, marks: Mark[] = []): Promise<void> {
  await page.evaluate(probeSource(marks));
}

export async function readProbe(page: Page): Promise<ProbeSample> {
  return page.evaluate<ProbeSample>(`(() => {
    const s = window.__uiBench;
    return { tasks: s.tasks, frames: s.frames, marks: s.marks, clickAt: s.clickAt, now: performance.now() };
  })()`);
}

/** Waits until the mark held, or an element matches `orElse`. */
export async function waitForMark(
  page: Page,
  name: string,
  timeoutMs: number,
  orElse?: string,
): Promise<void> {
  const other = orElse ? ` || !!document.querySelector(${JSON.stringify(orElse)})` : '';
  await waitUntil(
    page,
    `!!(window.__uiBench && ${JSON.stringify(name)} in window.__uiBench.marks)${other}`,
    timeoutMs,
  );
}

/**
 * Waits until `expression` (page source text) is true, polled from here with `evaluate`: the
 * page's CSP forbids the eval that `waitForFunction` runs source text with, and a poll every
 * 100 ms adds less work to the page than its per-frame predicate.
 */
export async function waitUntil(page: Page, expression: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > deadline) throw new Error(`not true after ${timeoutMs} ms: ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One frame's budget at 60 Hz; a frame longer than 1.5 of them missed its vsync. */
const FRAME_MS = 1000 / 60;

export interface Smoothness {
  ms: number;
  longestTaskMs: number;
  /** Tasks over 50 ms. */
  longTasks: number;
  frames: number;
  droppedFrames: number;
  longestFrameMs: number;
}

/** Main-thread smoothness between two page times. */
export function smoothness(sample: ProbeSample, from: number, to: number): Smoothness {
  const tasks = sample.tasks.filter(([start, duration]) => start + duration > from && start < to);
  const frames = sample.frames.filter((t) => t >= from && t <= to);
  const gaps = frames.slice(1).map((t, i) => t - (frames[i] ?? t));
  return {
    ms: to - from,
    longestTaskMs: Math.max(0, ...tasks.map(([, duration]) => duration)),
    longTasks: tasks.length,
    frames: gaps.length,
    droppedFrames: gaps.filter((gap) => gap > 1.5 * FRAME_MS).length,
    longestFrameMs: Math.max(0, ...gaps),
  };
}

export function describeSmoothness(s: Smoothness): string {
  return (
    `longest task ${s.longestTaskMs.toFixed(0)} ms, ${s.longTasks} long tasks (>50 ms), ` +
    `dropped frames ${s.droppedFrames}/${s.frames} (longest frame ${s.longestFrameMs.toFixed(0)} ms)`
  );
}

export function mark(sample: ProbeSample, name: string): number {
  const at = sample.marks[name];
  if (at === undefined) throw new Error(`the page never reached "${name}"`);
  return at;
}

/** "met" or "NOT met", as the other benchmarks print targets. */
export function target(met: boolean): string {
  return met ? 'met' : 'NOT met';
}
