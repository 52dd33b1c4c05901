import { formatBytes } from '../ui/format';
import { shortVersion } from './agent-version';

/** One line of an agent install's live log, from the daemon's `POST …/install` events. */
export interface InstallStep {
  event: string;
  text: string;
}

type Facts = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const secs = (v: unknown): string => {
  const n = num(v);
  return n === null ? '' : ` in ${n < 10 ? n.toFixed(1) : Math.round(n)} s`;
};
// The same short form as the card's "Agent outdated" line, so the two can be compared.
const version = (v: unknown): string => shortVersion(str(v));

/** The step's facts in words; an unknown step still shows, by its name. */
export function describeStep(event: string, facts: Facts): string {
  switch (event) {
    case 'probed': {
      const installed = str(facts.installed);
      return (
        `Probed the host: ${str(facts.platform) || str(facts.uname)}, Node ${str(facts.node) || '?'}, ` +
        `${formatBytes(num(facts.free_bytes))} free, ` +
        (installed ? `agent ${version(installed)} installed` : 'no agent yet')
      );
    }
    case 'payload':
      return (
        `Packed agent ${version(facts.version)} for ${str(facts.platform)}: ` +
        `${num(facts.packages) ?? '?'} packages, ${formatBytes(num(facts.unpacked_bytes))} unpacked`
      );
    case 'current':
      return `Agent ${version(facts.version)} is already current in ${str(facts.dir)}`;
    case 'uploaded':
      return `Uploaded ${formatBytes(num(facts.bytes))}${secs(facts.seconds)}`;
    case 'checked':
      return `Unpacked and checked in ${str(facts.dir)}`;
    case 'swapped':
      return `Swapped the new agent in: ${str(facts.dir)}`;
    case 'verified':
      return 'Verified: the agent answers `status`';
    case 'installed':
      return `Installed agent ${version(facts.version)} in ${str(facts.dir)}${secs(facts.seconds)}`;
    case 'error':
      return str(facts.message) || 'The install failed.';
    default:
      return event;
  }
}
