import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** What rbees-workerd lowers itself to unless RBEES_WORKER_NICE says otherwise (0 = leave it). */
export const DEFAULT_WORKER_NICE = 10;

/**
 * Parses RBEES_WORKER_NICE: an integer 0-19 (Unix nice; higher yields more), default 10.
 * Throws on anything else so that a typo is seen rather than silently running at full priority.
 */
export function parseWorkerNice(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_WORKER_NICE;
  const nice = Number(raw);
  if (!Number.isInteger(nice) || nice < 0 || nice > 19) {
    throw new Error(`RBEES_WORKER_NICE=${raw}: expected an integer from 0 (off) to 19`);
  }
  return nice;
}

/**
 * Inference is batch work: it takes every cycle it is given, and on the computer the person sits
 * at it would otherwise take them from the UI and the daemon's I/O (on 2 cores, a token stream
 * at full speed left the chat view descheduled for 100-500 ms at a time). A lower priority costs
 * it nothing while the machine is otherwise idle: nice only matters when something else wants
 * the core. Returns what it did, for the worker's log.
 */
export function lowerPriority(nice: number): string {
  if (nice === 0) return 'priority left as is (RBEES_WORKER_NICE=0)';
  // Never raise a priority someone lowered further (or cannot raise without privilege).
  const target = Math.max(nice, getPriority(0));
  // Linux keeps nice per thread, and a thread inherits it when it starts: lower the threads
  // running now (Node's own), and those that llama.cpp starts later follow from them.
  let threads = 0;
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      setPriority(Number(tid), target);
      threads++;
    }
  } catch {
    setPriority(0, target); // no /proc (macOS, Windows): the call covers the process
  }
  // Only threads, not the session's autogroup (/proc/self/autogroup): autogroup already shares
  // the CPU fairly between a worker's session and the UI's, and lowering the worker's group made
  // it yield to every busy session on the machine too: on a loaded 2-core machine it generated
  // 25-30 tok/s instead of ~500 and took over a minute to load (e2e spawns timed out).
  return `nice ${target} for ${threads || 'all'} thread(s)`;
}
