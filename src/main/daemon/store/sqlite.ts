import { createRequire } from 'node:module';
import { RbeesError } from '../../../shared/errors';
import { touchPrivateFile } from '../private-home';

/** What a statement may be bound to: both drivers accept these and nothing else (no booleans). */
export type SqlValue = string | number | bigint | null;

export interface Statement {
  run(...params: SqlValue[]): { changes: number | bigint };
  get(...params: SqlValue[]): unknown;
  all(...params: SqlValue[]): unknown[];
}

/** The part of a synchronous SQLite connection the store uses: node:sqlite and better-sqlite3 agree on it. */
export interface Database {
  exec(sql: string): void;
  prepare(sql: string): Statement;
  close(): void;
}

type DatabaseClass = new (file: string) => Database;

/**
 * Opens a SQLite file with whichever real driver this runtime has. Electron 45 runs Node 22, whose
 * built-in `node:sqlite` needs no native module (so the desktop app needs no rebuild for
 * Electron's ABI); Node 20 (`npm run serve`, the tests, the CLI) uses better-sqlite3. Both are the
 * same SQLite engine with the same synchronous API for what we use.
 */
export function openDatabase(file: string): Database {
  const Driver = driver();
  let db: Database;
  try {
    // Before SQLite creates it 0644: its -wal and -shm files then take this file's 0600.
    touchPrivateFile(file);
    db = new Driver(file);
  } catch (err) {
    throw new RbeesError(
      'INTERNAL',
      `Cannot open the rbees database ${file} (${err instanceof Error ? err.message : String(err)}). ` +
        'Check that the folder is writable and the disk is not full.',
    );
  }
  // WAL: readers (the CLI) never block the daemon's writes; NORMAL sync keeps every committed
  // transaction through a process crash (SIGKILL), losing at most the last ones on a power cut.
  db.exec(
    'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; ' +
      'PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;',
  );
  return db;
}

/** Runs `fn` in one write transaction: all of it is committed, or none of it. */
export function transaction<T>(db: Database, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}

function driver(): DatabaseClass {
  const getBuiltin = (
    process as { getBuiltinModule?: (id: string) => { DatabaseSync?: DatabaseClass } | undefined }
  ).getBuiltinModule;
  if (process.env.RBEES_SQLITE_DRIVER !== 'better-sqlite3') {
    try {
      const builtin = getBuiltin?.('node:sqlite');
      if (builtin?.DatabaseSync) return builtin.DatabaseSync;
    } catch {
      // a Node 22 before 22.13 keeps node:sqlite behind a flag: use the native module
    }
  }
  return createRequire(import.meta.url)('better-sqlite3') as DatabaseClass;
}
