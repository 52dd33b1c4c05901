import { readdirSync, readFileSync } from 'node:fs';

/**
 * What else the machine did during a measured window. A long task whose CPU time is short was
 * descheduled (see ui-trace.ts); this says by what: the benchmark's own processes (Chromium, the
 * daemon, its workers, this script), everything else on the machine (other jobs sharing its 2
 * cores), or the hypervisor (steal). Without it, a run on a busy machine reads as a slow UI.
 * Linux only (/proc); elsewhere it reports nothing.
 */
export interface LoadSample {
  at: number;
  /** Busy and stolen jiffies of all CPUs, from /proc/stat. */
  busy: number;
  steal: number;
  /** CPU jiffies of each process of ours (this one and its descendants), by pid. */
  ours: Map<number, number>;
}

const HZ = 100; // USER_HZ: 100 on every Linux that Node supports

export function sampleLoad(): LoadSample | undefined {
  try {
    const cpu = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).slice(1);
    const [user, nice, system, , , irq, softirq, steal] = cpu.map(Number);
    return {
      at: performance.now(),
      busy: (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0),
      steal: steal ?? 0,
      ours: ownProcesses(),
    };
  } catch {
    return undefined;
  }
}

/** This process and all its descendants (detached ones too: they keep their parent). */
function ownProcesses(): Map<number, number> {
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command's closing parenthesis: state ppid … utime(12) stime(13).
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      parent.set(Number(entry), Number(fields[1]));
      cpu.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      // Gone meanwhile.
    }
  }
  const ours = new Map<number, number>();
  const isOurs = (pid: number): boolean => {
    for (let p: number | undefined = pid, hops = 0; p && hops < 64; hops++) {
      if (p === process.pid) return true;
      p = parent.get(p);
    }
    return false;
  };
  for (const [pid, jiffies] of cpu) if (isOurs(pid)) ours.set(pid, jiffies);
  return ours;
}

/** "cores busy: 1.2 ours, 0.6 elsewhere, 0.1 stolen" over the window between two samples. */
export function describeLoad(from: LoadSample | undefined, to: LoadSample | undefined): string {
  if (!from || !to) return '';
  const seconds = (to.at - from.at) / 1000;
  if (seconds <= 0) return '';
  let ours = 0;
  // A process that started inside the window counts from 0; one that ended is not seen (small).
  for (const [pid, jiffies] of to.ours) ours += jiffies - (from.ours.get(pid) ?? 0);
  const busy = to.busy - from.busy;
  const cores = (jiffies: number) => (jiffies / HZ / seconds).toFixed(2);
  return (
    `; cores busy: ${cores(ours)} ours, ${cores(Math.max(0, busy - ours))} elsewhere, ` +
    `${cores(to.steal - from.steal)} stolen`
  );
}
