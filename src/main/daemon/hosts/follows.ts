import type { z } from 'zod';
import { RbeesError } from '../../../shared/errors';
import { DownloadEventSchema } from '../../../shared/model-schemas';
import type { DownloadEvent } from '../../../shared/pool-status';
import { WorkerLogLineSchema } from '../../../shared/worker-schemas';
import type { AgentRunner } from './agent-runner';
import type { FollowSpec } from './agent-followers';
import { LineBacklog, ProgressBacklog } from './follow-backlog';

/** The most lines a followed log keeps for readers who join (the UI asks for 5,000). */
export const FOLLOW_BACKLOG_LINES = 10_000;
const FOLLOW_BACKLOG_BYTES = 8 << 20;
/** What the agent prints when a worker log's follow has caught up (see worker-logs.ts). */
const LOGS_LIVE = 'logs_live';

/** `worker logs <id> --follow`, shared: each reader gets the last `lines` of its backlog. */
export function workerLogFollow(
  runner: AgentRunner,
  id: string,
): FollowSpec<z.output<typeof WorkerLogLineSchema>> {
  return {
    runner,
    key: `logs/${id}`,
    subject: `the log of worker ${id}`,
    args: ['worker', 'logs', id, '--follow', '--lines', String(FOLLOW_BACKLOG_LINES)],
    schema: WorkerLogLineSchema,
    backlog: () => new LineBacklog(FOLLOW_BACKLOG_LINES, FOLLOW_BACKLOG_BYTES),
    liveEvent: LOGS_LIVE,
  };
}

/** `models download --attach <id>`, shared: a new reader gets `start` and the latest progress. */
export function downloadFollow(runner: AgentRunner, id: string): FollowSpec<DownloadEvent> {
  return {
    runner,
    key: `download/${id}`,
    subject: `download ${id}`,
    args: ['models', 'download', '--attach', id],
    schema: DownloadEventSchema,
    backlog: () => new ProgressBacklog(),
  };
}

/** A follow's `lines` query: 100 when absent (the agent's default), at most the backlog kept. */
export function followBacklog(lines: number | undefined): number {
  if (lines === undefined) return 100;
  if (lines <= FOLLOW_BACKLOG_LINES) return lines;
  throw new RbeesError(
    'BAD_REQUEST',
    `lines=${lines} is not valid with follow=1: use a whole number from 0 to ` +
      `${FOLLOW_BACKLOG_LINES} (what a followed log keeps), or leave out follow to read more.`,
  );
}
