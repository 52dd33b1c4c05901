import type { z } from 'zod';
import type { ModelInfoSchema } from './api-schemas';
import { RbeesError } from './errors';
import { MODEL_ID_SOURCE } from './ids';

/** A model the daemon can serve (its schema describes the fields). */
export type ModelInfo = z.infer<typeof ModelInfoSchema>;

const GGUF_SUFFIX = /\.gguf$/i;

/** A model file name for an upload: it becomes a file on the host, and its id (MODEL_ID). */
export const MODEL_FILE_NAME = new RegExp(`^${MODEL_ID_SOURCE}\\.gguf$`);

/** The id of a model file: its base name without `.gguf` (`Qwen3-0.6B-Q8_0.gguf` → `Qwen3-0.6B-Q8_0`). */
export function modelIdFromFileName(fileName: string): string | undefined {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  if (!GGUF_SUFFIX.test(base) || base.startsWith('.')) return undefined;
  const id = base.replace(GGUF_SUFFIX, '');
  return id.length > 0 ? id : undefined;
}

/**
 * Resolves what a client asked for to one known model id: the exact id, the file name with its
 * `.gguf`, or a unique case-insensitive match. Otherwise MODEL_NOT_FOUND listing what exists.
 */
export function resolveModelId(requested: string, known: readonly string[]): string {
  // Exactly as named first: an id may itself end in `.gguf` or have spaces (`x.gguf.gguf`).
  if (known.includes(requested)) return requested;
  const wanted = requested.trim().replace(GGUF_SUFFIX, '');
  if (known.includes(wanted)) return wanted;
  const folded = known.filter((id) => id.toLowerCase() === wanted.toLowerCase());
  if (folded.length === 1 && folded[0] !== undefined) return folded[0];
  const available = known.length > 0 ? known.join(', ') : 'none';
  throw new RbeesError(
    'MODEL_NOT_FOUND',
    `Model "${requested}" is not installed. Available: ${available}. ` +
      'Put a .gguf file in the models folder ($RBEES_HOME/models) to add one.',
    { requested, available: [...known] },
  );
}
