import type { Browser, Page } from '@playwright/test';

/**
 * A Chromium trace of the measured window, to tell the two kinds of long task apart: one that
 * really computes for > 50 ms (our code's fault: split it) and one that was descheduled, whose
 * wall time is long but whose thread CPU time is short (the machine's cores were busy elsewhere).
 * Chromium stamps each trace event with both clocks: `dur` (wall) and `tdur` (the thread's CPU).
 * Only the timeline's task events are recorded, which costs the page far less than a DevTools
 * profile; `RBEES_BENCH_TRACE=0` turns it off.
 */
const CATEGORIES = ['disabled-by-default-devtools.timeline', 'devtools.timeline', 'toplevel'];

export const tracing = process.env.RBEES_BENCH_TRACE !== '0';

/** One main-thread task over 50 ms: wall and CPU time, and its costliest inner events. */
export interface TracedTask {
  wallMs: number;
  cpuMs: number;
  /** The three longest events inside it (wall ms, then CPU ms), for a first look at why. */
  inner: string[];
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

export async function startTrace(browser: Browser, page: Page): Promise<void> {
  if (tracing) await browser.startTracing(page, { categories: CATEGORIES });
}

/** Stops the trace; the page's main-thread tasks over 50 ms, longest first (none if off). */
export async function stopTrace(browser: Browser): Promise<TracedTask[]> {
  if (!tracing) return [];
  const buffer = await browser.stopTracing();
  const { traceEvents } = JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] };
  const mainThreads = new Set(
    traceEvents
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const onMain = traceEvents.filter(
    (e) => e.ph === 'X' && e.dur !== undefined && mainThreads.has(`${e.pid}:${e.tid}`),
  );
  const tasks = onMain.filter((e) => e.name === 'RunTask' && (e.dur ?? 0) > 50_000);
  return tasks
    .map((task) => {
      const end = task.ts + (task.dur ?? 0);
      const inner = onMain
        .filter((e) => e.tid === task.tid && e.ts >= task.ts && e.ts < end && !isTask(e))
        .sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0))
        .slice(0, 3)
        .map((e) => `${e.name} ${ms(e.dur)}/${ms(e.tdur)}`);
      return { wallMs: (task.dur ?? 0) / 1000, cpuMs: (task.tdur ?? 0) / 1000, inner };
    })
    .sort((a, b) => b.wallMs - a.wallMs);
}

/** The task itself, as each category names it. */
function isTask(e: TraceEvent): boolean {
  return e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask';
}

function ms(us: number | undefined): string {
  return us === undefined ? '?' : (us / 1000).toFixed(0);
}

/** "traced: 2 tasks > 50 ms, wall/CPU ms: 115/12 [Layout 60/3, …], 61/9 […]". */
export function describeTrace(tasks: TracedTask[]): string {
  if (!tracing) return '';
  if (tasks.length === 0) return '; traced: no task over 50 ms';
  const shown = tasks
    .slice(0, 4)
    .map((t) => `${t.wallMs.toFixed(0)}/${t.cpuMs.toFixed(0)} [${t.inner.join(', ')}]`);
  const more = tasks.length > 4 ? `, +${tasks.length - 4} more` : '';
  return `; traced tasks > 50 ms, wall/CPU ms: ${shown.join(', ')}${more}`;
}
