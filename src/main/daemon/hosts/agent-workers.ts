import type { AgentWorkerEntry, SpawnedWorker, WorkerEntry } from '../../../shared/pool-status';
import {
  SpawnedLineSchema,
  StoppedLineSchema,
  WorkerEntrySchema,
  WorkersLineSchema,
} from '../../../shared/worker-schemas';
import { agentAnswer } from './agent-calls';
import type { AgentRunner, AgentRunOptions } from './agent-runner';

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
  return (await agentAnswer(runner, ['worker', 'list'], WorkersLineSchema, options)).workers;
}

/** `rbees-pool worker spawn <args…>` on the host: the worker, ready. */
export async function spawnWorkerOn(
  runner: AgentRunner,
  args: readonly string[],
  options?: AgentRunOptions,
): Promise<SpawnedWorker> {
  const parsed = await agentAnswer(
    runner,
    ['worker', 'spawn', ...args],
    SpawnedLineSchema,
    options,
  );
  const { event: _event, ...worker } = parsed;
  return worker;
}

/** `rbees-pool worker stop <id>` on the host (idempotent). */
export async function stopWorkerOn(
  runner: AgentRunner,
  id: string,
  options?: AgentRunOptions,
): Promise<void> {
  await agentAnswer(runner, ['worker', 'stop', id], StoppedLineSchema, options);
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
