import {
  HISTORY_MS,
  SAMPLE_INTERVAL_MS,
  type GpuSample,
  type HostSample,
} from '../../shared/events';

/** The pure geometry of the GPU history chart, kept apart from React so it can be unit-tested. */

export interface TimedSample {
  at: number;
  value: GpuSample;
}

export interface Point {
  at: number;
  value: number;
}

/** Two samples further apart than this belong to different runs: the host was away in between. */
export const MAX_GAP_MS = 3 * SAMPLE_INTERVAL_MS;

/**
 * Temperatures share the 0–100 grid of the percentage series, so both axes line up; a hotter
 * reading (rare: AMD junction sensors) is drawn at the top and read exactly in the readout.
 */
export const TEMP_MAX_C = 100;

/** One GPU's samples out of its host's history (oldest first, as the daemon keeps them). */
export function gpuHistory(history: readonly HostSample[], index: number): TimedSample[] {
  const out: TimedSample[] = [];
  for (const sample of history) {
    const value = sample.gpus.find((g) => g.index === index);
    if (value) out.push({ at: sample.at, value });
  }
  return out;
}

/** Used memory as a percentage of the total; null when either is unknown. */
export function memoryPct(used: number | null, total: number | null): number | null {
  if (used === null || total === null || !(total > 0)) return null;
  return clamp((used / total) * 100, 0, 100);
}

/**
 * The x position of a time on a chart `width` wide showing [now − HISTORY_MS, now]. The window
 * is tied to `now`, never to the data, so new samples slide in without the axis re-scaling.
 */
export function xOf(at: number, now: number, width: number): number {
  return ((at - (now - HISTORY_MS)) / HISTORY_MS) * width;
}

/** The inverse of xOf: the time under a pointer at `x`. */
export function timeAt(x: number, now: number, width: number): number {
  if (width <= 0) return now;
  return now - HISTORY_MS + (clamp(x, 0, width) / width) * HISTORY_MS;
}

/** The y position of a value on a `max`-high scale, `height` pixels tall (0 at the bottom). */
export function yOf(value: number, height: number, max = 100): number {
  return height - (clamp(value, 0, max) / max) * height;
}

/**
 * Runs of consecutive known values: a null value or a gap longer than `maxGapMs` ends a run, so
 * the chart breaks the line there instead of drawing a straight line across a host's absence.
 * Points older than the window's start are dropped, except the last one before it, so a line
 * enters the chart from its left edge rather than starting a few pixels in.
 */
export function runs(
  samples: readonly TimedSample[],
  pick: (sample: GpuSample) => number | null,
  windowStart = -Infinity,
  maxGapMs = MAX_GAP_MS,
): Point[][] {
  const out: Point[][] = [];
  let current: Point[] = [];
  let previousAt: number | null = null;
  for (let i = 0; i < samples.length; i += 1) {
    const sample = samples[i];
    if (!sample) continue;
    const next = samples[i + 1];
    if (next && next.at < windowStart) continue;
    const value = pick(sample.value);
    const gap = previousAt !== null && sample.at - previousAt > maxGapMs;
    if (value === null || !Number.isFinite(value) || gap) {
      if (current.length > 0) out.push(current);
      current = [];
    }
    if (value !== null && Number.isFinite(value)) current.push({ at: sample.at, value });
    previousAt = sample.at;
  }
  if (current.length > 0) out.push(current);
  return out;
}

export interface Frame {
  width: number;
  height: number;
  now: number;
  /** The value at the top of the scale. */
  max: number;
}

/** An SVG path through one run; a lone point becomes a short dash so it stays visible. */
export function linePath(run: readonly Point[], frame: Frame): string {
  const parts = run.map((p, i) => {
    const x = round(xOf(p.at, frame.now, frame.width));
    const y = round(yOf(p.value, frame.height, frame.max));
    return `${i === 0 ? 'M' : 'L'}${x} ${y}`;
  });
  const only = run[0];
  if (run.length === 1 && only) {
    const x = round(xOf(only.at, frame.now, frame.width) + 2);
    parts.push(`L${x} ${round(yOf(only.value, frame.height, frame.max))}`);
  }
  return parts.join('');
}

/** The line of one run closed down to the baseline: the filled area under it. */
export function areaPath(run: readonly Point[], frame: Frame): string {
  const first = run[0];
  const last = run[run.length - 1];
  if (!first || !last) return '';
  const x0 = round(xOf(first.at, frame.now, frame.width));
  const x1 = round(xOf(last.at, frame.now, frame.width) + (run.length === 1 ? 2 : 0));
  return `${linePath(run, frame)}L${x1} ${frame.height}L${x0} ${frame.height}Z`;
}

/**
 * The sample nearest to `at`, or null when none lies within `maxDistanceMs` (the pointer is over
 * a gap or beyond the data). Samples are sorted by time, so a binary search finds it.
 */
export function nearestSample(
  samples: readonly TimedSample[],
  at: number,
  maxDistanceMs = SAMPLE_INTERVAL_MS,
): TimedSample | null {
  let lo = 0;
  let hi = samples.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((samples[mid]?.at ?? Infinity) < at) lo = mid + 1;
    else hi = mid;
  }
  let best: TimedSample | null = null;
  for (const candidate of [samples[lo - 1], samples[lo]]) {
    if (!candidate) continue;
    if (!best || Math.abs(candidate.at - at) < Math.abs(best.at - at)) best = candidate;
  }
  return best && Math.abs(best.at - at) <= maxDistanceMs ? best : null;
}

/** "now", "45 s ago", "3 min 05 s ago": how long before `now` a sample was taken. */
export function formatAgo(at: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 3) return 'now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0
    ? `${minutes} min ago`
    : `${minutes} min ${String(rest).padStart(2, '0')} s ago`;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Two decimals are plenty for pixels and keep the path strings short. */
function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The stretches inside the window with no samples although there were some before and after. */
export function gaps(
  samples: readonly TimedSample[],
  windowStart: number,
  maxGapMs = MAX_GAP_MS,
): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 1; i < samples.length; i += 1) {
    const a = samples[i - 1];
    const b = samples[i];
    if (!a || !b || b.at < windowStart) continue;
    if (b.at - a.at > maxGapMs) out.push([Math.max(a.at, windowStart), b.at]);
  }
  return out;
}
