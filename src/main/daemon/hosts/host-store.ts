import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RbeesError } from '../../../shared/errors';

/** One remote host as kept in `$RBEES_HOME/hosts.json`. */
export interface HostRecord {
  name: string;
  /** An ~/.ssh/config alias or user@host[:port], resolved anew at each session start. */
  spec: string;
  identity_file?: string;
  agent_dir: string;
}

interface HostsFile {
  version: 1;
  hosts: HostRecord[];
}

function isRecord(value: unknown): value is HostRecord {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.name === 'string' &&
    typeof v.spec === 'string' &&
    typeof v.agent_dir === 'string' &&
    (v.identity_file === undefined || typeof v.identity_file === 'string')
  );
}

/**
 * The remote hosts, persisted as JSON until the SQLite store exists. Every write goes to a temp file
 * that is then renamed over the old one, so a crash mid-write never leaves a truncated list.
 */
export class HostStore {
  readonly file: string;

  constructor(home: string) {
    this.file = join(home, 'hosts.json');
  }

  async load(): Promise<HostRecord[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new RbeesError(
        'BAD_REQUEST',
        `${this.file} is not valid JSON (${err instanceof Error ? err.message : String(err)}); ` +
          'fix or remove it (the hosts it lists must then be added again)',
      );
    }
    const hosts = (parsed as Partial<HostsFile> | null)?.hosts;
    if (!Array.isArray(hosts) || !hosts.every(isRecord)) {
      throw new RbeesError(
        'BAD_REQUEST',
        `${this.file} does not hold a host list; fix or remove it (its hosts must then be added again)`,
      );
    }
    return hosts;
  }

  async save(hosts: readonly HostRecord[]): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const body: HostsFile = { version: 1, hosts: [...hosts] };
    const temp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
      await rename(temp, this.file);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }
}
