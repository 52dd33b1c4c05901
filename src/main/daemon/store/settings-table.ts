import type { Settings } from '../../../shared/conversations';
import { transaction, type Database } from './sqlite';

/** Settings as JSON values under string keys; the API validates what goes in. */
export class SettingsTable {
  constructor(private readonly db: Database) {}

  all(): Settings {
    const rows = this.db.prepare('SELECT key, value FROM settings ORDER BY key').all() as {
      key: string;
      value: string;
    }[];
    // Each value was validated as JSON on its way in (SettingsSchema).
    return Object.fromEntries(
      rows.map((row) => [row.key, JSON.parse(row.value) as Settings[string]]),
    );
  }

  /** Sets every key of `patch`; a null value removes the key. */
  merge(patch: Record<string, unknown>): void {
    transaction(this.db, () => {
      const set = this.db.prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ' +
          'ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      );
      const remove = this.db.prepare('DELETE FROM settings WHERE key = ?');
      for (const [key, value] of Object.entries(patch)) {
        if (value === null) remove.run(key);
        else set.run(key, JSON.stringify(value));
      }
    });
  }
}
