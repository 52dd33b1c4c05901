import { RbeesError } from '../../../shared/errors';
import { transaction, type Database } from './sqlite';

/**
 * The schema, one step per release that changed it; `PRAGMA user_version` says how many steps a
 * file has had. Steps are only ever appended: an old file is brought forward step by step.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE hosts (
    name TEXT PRIMARY KEY,
    spec TEXT NOT NULL,
    identity_file TEXT,
    agent_dir TEXT NOT NULL,
    added_at INTEGER NOT NULL
  );
  CREATE TABLE host_models (
    host TEXT NOT NULL,
    model_id TEXT NOT NULL,
    details TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (host, model_id)
  );
  CREATE TABLE workers (
    host TEXT NOT NULL,
    id TEXT NOT NULL,
    model TEXT NOT NULL,
    details TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (host, id)
  );
  CREATE TABLE downloads (
    host TEXT NOT NULL,
    id TEXT NOT NULL,
    state TEXT NOT NULL,
    details TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (host, id)
  );
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    record TEXT NOT NULL
  );
  CREATE INDEX jobs_by_time ON jobs (created_at DESC);
  CREATE INDEX jobs_by_status ON jobs (status);
  CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE messages (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    extra TEXT,
    PRIMARY KEY (conversation_id, id)
  );
  CREATE INDEX messages_in_order ON messages (conversation_id, seq);
  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the file to SCHEMA_VERSION; two processes opening it at once take turns (IMMEDIATE). */
export function migrate(db: Database, file: string): void {
  for (;;) {
    const applied = transaction(db, () => {
      const version = userVersion(db);
      if (version > SCHEMA_VERSION) {
        throw new RbeesError(
          'INTERNAL',
          `${file} was written by a newer rbees (schema ${version}, this one knows ${SCHEMA_VERSION}). ` +
            'Update rbees, or move the file away to start with an empty history.',
        );
      }
      const step = MIGRATIONS[version];
      if (step === undefined) return false;
      db.exec(step);
      db.exec(`PRAGMA user_version = ${version + 1}`);
      return true;
    });
    if (!applied) return;
  }
}

export function userVersion(db: Database): number {
  return (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
}
