import type { ErrorBody } from '../../../shared/errors';
import type { Database } from './sqlite';

/** The fields the table needs of a job record; the rest is kept as it is given. */
export interface JournaledJob {
  job_id: string;
  status: string;
  error?: ErrorBody | null;
  finished_at?: string | null;
}

/** Jobs as their last change left them (`GET /v2/tasks/:id` after they left memory). */
export class JobsTable<J extends JournaledJob> {
  constructor(private readonly db: Database) {}

  save(job: J, now = Date.now()): void {
    this.db
      .prepare(
        'INSERT INTO jobs (id, status, created_at, record) VALUES (?, ?, ?, ?) ' +
          'ON CONFLICT (id) DO UPDATE SET status = excluded.status, record = excluded.record',
      )
      .run(job.job_id, job.status, now, JSON.stringify(job));
  }

  get(id: string): J | undefined {
    const row = this.db.prepare('SELECT record FROM jobs WHERE id = ?').get(id) as
      { record: string } | undefined;
    return row ? (JSON.parse(row.record) as J) : undefined;
  }

  recent(limit: number): J[] {
    const rows = this.db
      .prepare('SELECT record FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT ?')
      .all(limit) as { record: string }[];
    return rows.map((row) => JSON.parse(row.record) as J);
  }

  /**
   * Jobs a previous daemon left queued or running cannot go on (their streams died with it): they
   * are failed with `error`, so asking for them tells what happened. Returns how many.
   */
  failUnfinished(error: ErrorBody, now = new Date()): number {
    const result = this.db
      .prepare(
        `UPDATE jobs SET status = 'failed',
           record = json_set(record, '$.status', 'failed', '$.error', json(?),
                             '$.queue_position', NULL, '$.finished_at', ?)
         WHERE status IN ('queued', 'running')`,
      )
      .run(JSON.stringify(error), now.toISOString());
    return Number(result.changes);
  }
}
