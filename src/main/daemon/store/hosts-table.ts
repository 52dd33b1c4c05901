import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { RbeesError } from '../../../shared/errors';
import { transaction, type Database } from './sqlite';

/** One remote host as the daemon keeps it. */
export interface HostRecord {
  name: string;
  /** An ~/.ssh/config alias or user@host[:port], resolved anew at each session start. */
  spec: string;
  identity_file?: string;
  agent_dir: string;
}

interface HostRow {
  name: string;
  spec: string;
  identity_file: string | null;
  agent_dir: string;
}

/** The remote hosts, in the order they were added. */
export class HostsTable {
  constructor(private readonly db: Database) {}

  list(): HostRecord[] {
    const rows = this.db
      .prepare('SELECT name, spec, identity_file, agent_dir FROM hosts ORDER BY added_at, rowid')
      .all() as HostRow[];
    return rows.map(({ identity_file, ...row }) => ({
      ...row,
      ...(identity_file !== null ? { identity_file } : {}),
    }));
  }

  add(record: HostRecord, now = Date.now()): void {
    this.db
      .prepare(
        'INSERT INTO hosts (name, spec, identity_file, agent_dir, added_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(record.name, record.spec, record.identity_file ?? null, record.agent_dir, now);
  }

  remove(name: string): void {
    this.db.prepare('DELETE FROM hosts WHERE name = ?').run(name);
  }

  /**
   * Moves the hosts of rbees before the database (`hosts.json`) in, once: the file is renamed to
   * `hosts.json.imported` so it is neither read again nor lost.
   */
  importLegacy(home: string): number {
    const file = join(home, 'hosts.json');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return 0; // no file: the usual case
    }
    let hosts: unknown;
    try {
      hosts = (JSON.parse(text) as { hosts?: unknown } | null)?.hosts;
    } catch {
      hosts = undefined;
    }
    if (!Array.isArray(hosts) || !hosts.every(isRecord)) {
      throw new RbeesError(
        'BAD_REQUEST',
        `${file} (the host list of an older rbees) is damaged; fix it, or remove it and add ` +
          'its hosts again',
      );
    }
    const records = hosts;
    transaction(this.db, () => {
      const known = new Set(this.list().map((h) => h.name));
      records.forEach((record, i) => {
        if (!known.has(record.name)) this.add(record, i);
      });
    });
    renameSync(file, `${file}.imported`);
    return records.length;
  }
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
