import type { GgufFileInfo } from 'node-llama-cpp';
import type { ModelDetails, ModelEntry } from '../../../shared/pool-status';
import { cachedFacts, type Facts } from './facts-cache';
import { fitOf, insightsOf } from './fit-estimate';

/**
 * Header facts of each model, and what it needs in memory (fit-estimate.ts). readGgufFileInfo
 * reads only the header and its tensor table in JS (no llama.cpp, no GPU), cheap even for 70B
 * files. node-llama-cpp is imported here, not at the top, because importing it costs ~0.5 s; a
 * file whose size and modification time are unchanged is answered from facts-cache.ts.
 */
export async function withGgufDetails(models: readonly ModelEntry[]): Promise<ModelDetails[]> {
  if (models.length === 0) return [];
  return cachedFacts(models, (model) => factsOf(model.path));
}

async function factsOf(path: string): Promise<Facts> {
  const { readGgufFileInfo } = await import('node-llama-cpp');
  let info: GgufFileInfo;
  try {
    info = await readGgufFileInfo(path, { logWarnings: false, sourceType: 'filesystem' });
  } catch (err) {
    // One line: the reason may quote the file's first bytes, newlines and all.
    return { error: `not a readable GGUF file: ${oneLine(err)}` };
  }
  const facts = await headerFacts(info);
  try {
    facts.fit = fitOf(await insightsOf(info));
  } catch (err) {
    facts.fit_error = `no memory estimate: ${oneLine(err)}`;
  }
  return facts;
}

async function headerFacts(info: GgufFileInfo): Promise<Facts> {
  const { GgufFileType } = await import('node-llama-cpp');
  const general = info.metadata.general;
  // Not in node-llama-cpp's typed metadata; written by newer llama.cpp converters.
  const extra = general as { parameter_count?: unknown; size_label?: unknown };
  const fileType = general.file_type === undefined ? undefined : GgufFileType[general.file_type];
  const facts: Facts = { architecture: general.architecture };
  if (general.name !== undefined) facts.name = general.name;
  if (typeof extra.parameter_count === 'number' || typeof extra.parameter_count === 'bigint') {
    facts.parameter_count = Number(extra.parameter_count);
  }
  if (typeof extra.size_label === 'string') facts.size_label = extra.size_label;
  if (fileType !== undefined) facts.file_type = fileType.replace(/^MOSTLY_/, '');
  const ctx = info.architectureMetadata.context_length;
  if (typeof ctx === 'number') facts.context_length = ctx;
  return facts;
}

function oneLine(err: unknown): string {
  const reason = err instanceof Error ? err.message : String(err);
  return reason.replace(/\s+/g, ' ').trim();
}
