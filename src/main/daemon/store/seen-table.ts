import type { DownloadState, ModelEntry, WorkerEntry } from '../../../shared/pool-status';
import { transaction, type Database } from './sqlite';

/** Where a model was last seen: a host, and when (ms). */
export interface ModelSighting {
  host: string;
  seen_at: number;
}

/**
 * What the hosts' agents last reported (models, workers, downloads), kept so that a host that is
 * offline, or not reached yet after a restart, can still be named: "that model is on mac, which
 * is offline". The agents stay the truth for anything live.
 */
export class SeenTable {
  constructor(private readonly db: Database) {}

  replaceModels(host: string, models: readonly ModelEntry[], now = Date.now()): void {
    transaction(this.db, () => {
      this.db.prepare('DELETE FROM host_models WHERE host = ?').run(host);
      const insert = this.db.prepare(
        'INSERT INTO host_models (host, model_id, details, seen_at) VALUES (?, ?, ?, ?)',
      );
      for (const model of models) insert.run(host, model.id, JSON.stringify(model), now);
    });
  }

  replaceWorkers(host: string, workers: readonly WorkerEntry[], now = Date.now()): void {
    transaction(this.db, () => {
      this.db.prepare('DELETE FROM workers WHERE host = ?').run(host);
      const insert = this.db.prepare(
        'INSERT INTO workers (host, id, model, details, seen_at) VALUES (?, ?, ?, ?, ?)',
      );
      for (const worker of workers) {
        insert.run(host, worker.id, worker.model, JSON.stringify(worker), now);
      }
    });
  }

  saveDownload(host: string, download: DownloadState, now = Date.now()): void {
    this.db
      .prepare(
        'INSERT INTO downloads (host, id, state, details, updated_at) VALUES (?, ?, ?, ?, ?) ' +
          'ON CONFLICT (host, id) DO UPDATE SET state = excluded.state, ' +
          'details = excluded.details, updated_at = excluded.updated_at',
      )
      .run(host, download.id, download.state, JSON.stringify(download), now);
  }

  /** The hosts whose agent last listed this model id, most recently seen first. */
  modelSightings(modelId: string): ModelSighting[] {
    return this.db
      .prepare(
        'SELECT host, seen_at FROM host_models WHERE model_id = ? ORDER BY seen_at DESC, host',
      )
      .all(modelId) as ModelSighting[];
  }

  workers(host: string): WorkerEntry[] {
    const rows = this.db
      .prepare('SELECT details FROM workers WHERE host = ? ORDER BY id')
      .all(host) as { details: string }[];
    return rows.map((row) => JSON.parse(row.details) as WorkerEntry);
  }

  downloads(host: string): DownloadState[] {
    const rows = this.db
      .prepare('SELECT details FROM downloads WHERE host = ? ORDER BY updated_at DESC')
      .all(host) as { details: string }[];
    return rows.map((row) => JSON.parse(row.details) as DownloadState);
  }

  /** A removed host leaves nothing behind. */
  forgetHost(host: string): void {
    transaction(this.db, () => {
      for (const table of ['host_models', 'workers', 'downloads']) {
        this.db.prepare(`DELETE FROM ${table} WHERE host = ?`).run(host);
      }
    });
  }
}
