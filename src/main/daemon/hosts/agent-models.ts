import type { z } from 'zod';
import {
  DetachedLineSchema,
  DownloadStateSchema,
  ModelsLineSchema,
  RemovedLineSchema,
  VerifiedLineSchema,
} from '../../../shared/model-schemas';
import type { DownloadState } from '../../../shared/pool-status';
import { agentAnswer, agentCall } from './agent-calls';
import type { AgentRunner, AgentRunOptions } from './agent-runner';

/** The agent's `models …` commands on a host, their answers parsed where they arrive. */

export type ModelsListing = z.output<typeof ModelsLineSchema>;

/** `rbees-pool models list`: the files in the host's models folder, and its disk. */
export function listModelsOn(runner: AgentRunner): Promise<ModelsListing> {
  return agentAnswer(runner, ['models', 'list'], ModelsLineSchema);
}

/** `rbees-pool models rm <id>` (refused while a worker serves it). */
export async function removeModelOn(runner: AgentRunner, id: string): Promise<void> {
  await agentAnswer(runner, ['models', 'rm', id], RemovedLineSchema);
}

/** `rbees-pool models verify <id>`: the file's sha256 and what it was compared with. */
export function verifyModelOn(
  runner: AgentRunner,
  id: string,
): Promise<z.output<typeof VerifiedLineSchema>> {
  return agentAnswer(runner, ['models', 'verify', id], VerifiedLineSchema);
}

/** `rbees-pool models download --list`: the host's detached downloads (one bare state a line). */
export function listDownloadsOn(runner: AgentRunner): Promise<DownloadState[]> {
  return agentCall(runner, ['models', 'download', '--list'], DownloadStateSchema);
}

/** `rbees-pool models download <ref> --detach`: the download's id, to follow it by. */
export async function startDownloadOn(
  runner: AgentRunner,
  ref: string,
  options: AgentRunOptions,
): Promise<string> {
  const args = ['models', 'download', ref, '--detach'];
  return (await agentAnswer(runner, args, DetachedLineSchema, options)).id;
}

/** `rbees-pool models download --cancel <id>` (the partial is kept, to resume). */
export async function cancelDownloadOn(runner: AgentRunner, id: string): Promise<void> {
  await agentCall(runner, ['models', 'download', '--cancel', id], DownloadStateSchema);
}
