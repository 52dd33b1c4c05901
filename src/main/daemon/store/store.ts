import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConversationsTable } from './conversations-table';
import { HostsTable, type HostRecord } from './hosts-table';
import { JobsTable, type JournaledJob } from './jobs-table';
import { makePrivateDir } from '../private-home';
import { migrate } from './migrations';
import { SeenTable } from './seen-table';
import { SettingsTable } from './settings-table';
import { openDatabase, type Database } from './sqlite';

/**
 * The daemon's persistent state in `$RBEES_HOME/rbees.db`: the only module that speaks SQL. Every
 * call is synchronous and commits before it returns, so what a request was told is saved is on
 * disk even if the process is killed the next instant.
 */
export class Store<J extends JournaledJob = JournaledJob> {
  readonly hosts: HostsTable;
  readonly conversations: ConversationsTable;
  readonly jobs: JobsTable<J>;
  readonly settings: SettingsTable;
  readonly seen: SeenTable;

  private constructor(
    private readonly db: Database,
    readonly file: string,
  ) {
    this.hosts = new HostsTable(db);
    this.conversations = new ConversationsTable(db);
    this.jobs = new JobsTable<J>(db);
    this.settings = new SettingsTable(db);
    this.seen = new SeenTable(db);
  }

  /** Opens (creating or upgrading) the database of an rbees home. */
  static open<J extends JournaledJob = JournaledJob>(home: string): Store<J> {
    makePrivateDir(home);
    const file = join(home, 'rbees.db');
    const db = openDatabase(file);
    try {
      migrate(db, file);
      const store = new Store<J>(db, file);
      store.hosts.importLegacy(home);
      return store;
    } catch (err) {
      db.close();
      throw err;
    }
  }

  close(): void {
    this.db.close();
  }
}

/** The hosts added to the daemon of `home`, for the CLI; nothing is created where rbees never ran. */
export function registeredHosts(home: string): HostRecord[] {
  if (!existsSync(join(home, 'rbees.db')) && !existsSync(join(home, 'hosts.json'))) return [];
  const store = Store.open(home);
  try {
    return store.hosts.list();
  } finally {
    store.close();
  }
}
