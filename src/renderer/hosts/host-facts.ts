import type { HostView } from '../../shared/events';
import { canServe, type HostState } from '../../shared/hosts';
import type { Gpu } from '../../shared/pool-status';

/** Pure readings of a host's view for its card: kept apart so they can be tested without a DOM. */

export type Tone = 'ok' | 'warn' | 'danger' | 'busy' | 'muted';

export interface StateBadge {
  label: string;
  tone: Tone;
}

const BADGES: Record<HostState, StateBadge> = {
  local: { label: 'Online', tone: 'ok' },
  online: { label: 'Online', tone: 'ok' },
  idle: { label: 'Not connected', tone: 'muted' },
  connecting: { label: 'Connecting…', tone: 'busy' },
  reconnecting: { label: 'Reconnecting…', tone: 'warn' },
  offline: { label: 'Offline', tone: 'danger' },
};

export function stateBadge(state: HostState): StateBadge {
  return BADGES[state];
}

/** Connect makes sense only when no session is open or trying. */
export function canConnect(state: HostState): boolean {
  return state === 'idle' || state === 'offline';
}

/** Files can be dropped on a host that is, or will soon be, reachable. */
export function acceptsDrops(state: HostState): boolean {
  return canServe({ state }) || state === 'reconnecting';
}

export type AgentHealth =
  | { kind: 'ok' }
  /** Nothing answered yet (just connected, or not connected at all). */
  | { kind: 'unknown' }
  | { kind: 'missing'; message: string }
  /** It is there but failed: most often an agent older than this daemon. */
  | { kind: 'failed'; message: string };

/** The agent's side of the host: `AGENT_FAILED` saying the binary is absent means "not installed". */
export function agentHealth(view: HostView): AgentHealth {
  const error = view.status_error;
  if (error?.code === 'AGENT_FAILED') {
    return /not in the agent dir|can't cd to|not found|No such file/i.test(error.message)
      ? { kind: 'missing', message: error.message }
      : { kind: 'failed', message: error.message };
  }
  if (error?.code === 'AGENT_OUTDATED') return { kind: 'failed', message: error.message };
  return view.status ? { kind: 'ok' } : { kind: 'unknown' };
}

/** A status older than this many sampling rounds is shown with its age. */
const STALE_MS = 20_000;

/** "Updated 3 min ago" when the numbers on the card are old, else null. */
export function staleNote(view: HostView, now: number): string | null {
  if (!view.status || view.status_at === null) return null;
  const fresh = canServe(view.info);
  const age = now - view.status_at;
  if (fresh && !view.status_error && age < STALE_MS) return null;
  return `Last seen ${formatAge(age)}`;
}

/** 4 s → "just now", 95 s → "2 min ago", 3 h → "3 h ago". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.round(min / 60);
  return h < 48 ? `${h} h ago` : `${Math.round(h / 24)} days ago`;
}

/** ["2 × NVIDIA H200", "AMD Radeon"]: identical cards counted once, in index order. */
export function gpuNames(gpus: readonly Gpu[]): string[] {
  const counts = new Map<string, number>();
  for (const gpu of [...gpus].sort((a, b) => a.index - b.index)) {
    counts.set(gpu.name, (counts.get(gpu.name) ?? 0) + 1);
  }
  return [...counts].map(([name, n]) => (n > 1 ? `${n} × ${name}` : name));
}

/** node's arch as people read it: x64 → x86_64. */
export function archName(arch: string): string {
  return arch === 'x64' ? 'x86_64' : arch;
}

const VENDORS: Record<Gpu['vendor'], string> = { nvidia: 'NVIDIA', amd: 'AMD', apple: 'Apple' };

/** "NVIDIA", "NVIDIA + AMD"; "runs on CPU" when there is none. */
export function gpuVendors(gpus: readonly Gpu[]): string {
  if (gpus.length === 0) return 'runs on CPU';
  return [...new Set(gpus.map((g) => VENDORS[g.vendor]))].join(' + ');
}
