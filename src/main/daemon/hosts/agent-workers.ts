import { z } from 'zod';
import { RbeesError } from '../../../shared/errors';
import type { AgentWorkerEntry, SpawnedWorker, WorkerEntry } from '../../../shared/pool-status';
import {
  SpawnedLineSchema,
  WorkerEntrySchema,
  WorkersLineSchema,
} from '../../../shared/worker-schemas';
import {
  agentAnswer,
  type AgentLine,
  type AgentRunner,
  type AgentRunOptions,
} from './agent-runner';

/**
 * The agent's worker lines, parsed where they arrive. They carry each worker's secret, which the
 * daemon (and `llorch infer --host`) needs to call the worker and never hands on: what it shows
 * goes through `withoutSecrets`.
 */

/** A worker that can take a job now: ready, on a known port, with its secret. */
export type ServingWorker = AgentWorkerEntry & { port: number; secret: string };

/** `rbees-pool worker list` on the host. */
export async function listWorkers(
  runner: AgentRunner,
  options?: AgentRunOptions,
): Promise<AgentWorkerEntry[]> {
  const line = await agentAnswer(runner, ['worker', 'list'], 'workers', options);
  return parseAgentLine(WorkersLineSchema, line, runner.host, 'worker list').workers;
}

/** `rbees-pool worker spawn <args…>` on the host: the worker, ready. */
export async function spawnWorkerOn(
  runner: AgentRunner,
  args: readonly string[],
  options?: AgentRunOptions,
): Promise<SpawnedWorker> {
  const line = await agentAnswer(runner, ['worker', 'spawn', ...args], 'spawned', options);
  const parsed = parseAgentLine(SpawnedLineSchema, line, runner.host, 'worker spawn');
  const { event: _event, ...worker } = parsed;
  return worker;
}

export function servingWorkers(workers: readonly AgentWorkerEntry[]): ServingWorker[] {
  return workers.filter(
    (w): w is ServingWorker => w.status === 'ready' && w.port !== null && w.secret !== null,
  );
}

/**
 * Entries fit to show (API answers, events, the store): only WorkerEntry's fields survive the
 * parse, so a secret, or anything an agent adds later, stays behind.
 */
export function withoutSecrets(workers: readonly WorkerEntry[]): WorkerEntry[] {
  return workers.map((worker) => WorkerEntrySchema.parse(worker));
}

const StatusWorkersSchema = z.object({ workers: z.array(WorkerEntrySchema) });

/** The workers of an agent's `status` line, as fit to show as withoutSecrets makes them. */
export function statusWorkers(line: AgentLine, host: string): WorkerEntry[] {
  return parseAgentLine(StatusWorkersSchema, line, host, 'status').workers;
}

function parseAgentLine<S extends z.ZodType>(
  schema: S,
  line: AgentLine,
  host: string,
  command: string,
): z.output<S> {
  const result = schema.safeParse(line);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`)
    .join('; ');
  throw new RbeesError(
    'AGENT_FAILED',
    `${host}: rbees-pool ${command} answered a line this daemon cannot read (${problems}) — ` +
      `update the agent: llorch pool install --host ${host}`,
    { host },
  );
}
