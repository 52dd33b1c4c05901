/**
 * The Add host form's checks. They mirror AddHostSchema in src/shared/host-schemas.ts, which the
 * daemon enforces again; that module pulls zod in, which the renderer bundle leaves out.
 */
import { AGENT_DIR } from '../../shared/ids';

export interface AddHostFields {
  name: string;
  spec: string;
  identityFile: string;
  agentDir: string;
}

export type FieldErrors = Partial<Record<keyof AddHostFields, string>>;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SPEC = /^[^\s-][^\s]*$/;

export const EMPTY_FIELDS: AddHostFields = { name: '', spec: '', identityFile: '', agentDir: '' };

export const DEFAULT_AGENT_DIR = '~/.rbees/agent';

export function validateAddHost(fields: AddHostFields, taken: readonly string[]): FieldErrors {
  const errors: FieldErrors = {};
  const name = fields.name.trim();
  const spec = fields.spec.trim();
  if (!name) errors.name = 'Give the host a name, e.g. gpu-box.';
  else if (!NAME.test(name)) {
    errors.name = 'Use letters, digits, ".", "_" or "-", starting with a letter or digit (max 64).';
  } else if (name === 'local' || taken.includes(name)) {
    errors.name = `A host named "${name}" already exists: pick another name.`;
  }
  if (!spec) errors.spec = 'Pick an alias from ~/.ssh/config or type user@host[:port].';
  else if (!SPEC.test(spec) || spec.length > 255) {
    errors.spec = 'One word, no spaces: an ~/.ssh/config alias or user@host[:port].';
  } else if (/:(\d+)$/.test(spec) && !validPort(spec)) {
    errors.spec = 'The port after ":" must be between 1 and 65535.';
  }
  if (/\s$|^\s/.test(fields.identityFile))
    errors.identityFile = 'Remove the spaces around the path.';
  if (/\s$|^\s/.test(fields.agentDir)) errors.agentDir = 'Remove the spaces around the path.';
  else if (fields.agentDir !== '' && !AGENT_DIR.pattern.test(fields.agentDir)) {
    errors.agentDir = `Use ${AGENT_DIR.allowed}.`;
  }
  return errors;
}

function validPort(spec: string): boolean {
  const port = Number(/:(\d+)$/.exec(spec)?.[1]);
  return port >= 1 && port <= 65535;
}

/** A name suggested from what was typed as the spec: `me@gpu-box.lan:2222` → `gpu-box`. */
export function suggestName(spec: string): string {
  const host = spec
    .trim()
    .replace(/^[^@]*@/, '')
    .replace(/:\d+$/, '');
  if (/^\d+(\.\d+){3}$/.test(host) || host.includes(':'))
    return host.replace(/[^A-Za-z0-9._-]/g, '-');
  const first = host.split('.')[0] ?? '';
  return first
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
}

/** The request body: empty optional fields left out, so the daemon applies its defaults. */
export function toRequest(fields: AddHostFields): {
  name: string;
  spec: string;
  identity_file?: string;
  agent_dir?: string;
} {
  return {
    name: fields.name.trim(),
    spec: fields.spec.trim(),
    ...(fields.identityFile.trim() ? { identity_file: fields.identityFile.trim() } : {}),
    ...(fields.agentDir.trim() ? { agent_dir: fields.agentDir.trim() } : {}),
  };
}
