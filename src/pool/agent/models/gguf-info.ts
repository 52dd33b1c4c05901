import type { ModelDetails, ModelEntry } from '../../../shared/pool-status';

/**
 * Header facts of each model. readGgufFileInfo reads only the header in JS (no llama.cpp, no
 * GPU) and `readTensorInfo: false` skips the tensor table, so this is cheap even for 70B files.
 * node-llama-cpp is imported here, not at the top, because importing it costs ~0.5 s.
 */
export async function withGgufDetails(models: readonly ModelEntry[]): Promise<ModelDetails[]> {
  if (models.length === 0) return [];
  const { readGgufFileInfo, GgufFileType } = await import('node-llama-cpp');
  return Promise.all(
    models.map(async (model): Promise<ModelDetails> => {
      try {
        const info = await readGgufFileInfo(model.path, {
          readTensorInfo: false,
          logWarnings: false,
          sourceType: 'filesystem',
        });
        const general = info.metadata.general;
        // Not in node-llama-cpp's typed metadata; written by newer llama.cpp converters.
        const extra = general as { parameter_count?: unknown; size_label?: unknown };
        const fileType =
          general.file_type === undefined ? undefined : GgufFileType[general.file_type];
        const details: ModelDetails = { ...model, architecture: general.architecture };
        if (general.name !== undefined) details.name = general.name;
        if (
          typeof extra.parameter_count === 'number' ||
          typeof extra.parameter_count === 'bigint'
        ) {
          details.parameter_count = Number(extra.parameter_count);
        }
        if (typeof extra.size_label === 'string') details.size_label = extra.size_label;
        if (fileType !== undefined) details.file_type = fileType.replace(/^MOSTLY_/, '');
        const ctx = info.architectureMetadata.context_length;
        if (typeof ctx === 'number') details.context_length = ctx;
        return details;
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        // One line: the reason may quote the file's first bytes, newlines and all.
        return {
          ...model,
          error: `not a readable GGUF file: ${reason.replace(/\s+/g, ' ').trim()}`,
        };
      }
    }),
  );
}
