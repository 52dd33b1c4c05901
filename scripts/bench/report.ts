import { median } from './stats';
import type { Probe, Timeline } from './stream-probes';

export interface Measured {
  probe: Probe;
  timelines: Timeline[];
  /** CPU the daemon process used while this probe ran (0 for paths that skip it). */
  daemonCpuMs: number;
}

/** Decode rate between the first and the last token: prompt processing is in TTFT instead. */
export function decodeRate(timeline: Timeline): number {
  const first = timeline.tokens[0] ?? 0;
  const last = timeline.tokens.at(-1) ?? 0;
  return ((timeline.tokens.length - 1) / (last - first)) * 1000;
}

const COLUMNS: [string, number][] = [
  ['path', 34],
  ['tokens', 7],
  ['decode tok/s', 13],
  ['ratio', 7],
  ['wall µs/tok +', 14],
  ['TTFT ms', 9],
  ['TTFT +ms', 9],
  ['daemon CPU µs/tok', 18],
];

/** One row per path: medians over the rounds, ratios against the path's node-llama-cpp baseline. */
export function printTable(
  label: string,
  rows: Measured[],
  baselineOf: (probe: Probe) => Probe,
): void {
  const stats = rows.map((row) => {
    const tokens = row.timelines.reduce((sum, timeline) => sum + timeline.tokens.length, 0);
    return {
      row,
      tokens: median(row.timelines.map((timeline) => timeline.tokens.length)),
      rate: median(row.timelines.map(decodeRate)),
      ttft: median(row.timelines.map((timeline) => (timeline.tokens[0] ?? NaN) - timeline.start)),
      cpuPerToken: row.daemonCpuMs > 0 ? (row.daemonCpuMs * 1000) / tokens : undefined,
    };
  });
  console.log(
    `\n${label}: median of ${rows[0]?.timelines.length} runs each, 1 thread, temperature 0`,
  );
  console.log(
    COLUMNS.map(([name, width], i) => (i ? name.padStart(width) : name.padEnd(width))).join(''),
  );
  for (const stat of stats) {
    const base =
      stats.find((candidate) => candidate.row.probe === baselineOf(stat.row.probe)) ?? stat;
    const cells = [
      stat.row.probe.name,
      String(stat.tokens),
      stat.rate.toFixed(0),
      (stat.rate / base.rate).toFixed(3),
      ((1 / stat.rate - 1 / base.rate) * 1e6).toFixed(1),
      stat.ttft.toFixed(1),
      (stat.ttft - base.ttft).toFixed(1),
      stat.cpuPerToken === undefined ? '-' : stat.cpuPerToken.toFixed(1),
    ];
    console.log(
      cells.map((cell, i) => (i ? cell.padStart(COLUMNS[i]?.[1] ?? 0) : cell.padEnd(34))).join(''),
    );
  }
}
