/**
 * The models directory: one `<id>.gguf` per model (split GGUF parts are not handled yet). Only
 * `.gguf` files are models; sidecars (`.sha256`) and anything else there are ignored.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RbeesError } from '../../../shared/errors';
import { idProblem, MODEL_ID } from '../../../shared/ids';
import { modelIdFromFileName, resolveModelId } from '../../../shared/models';
import type { ModelEntry } from '../../../shared/pool-status';

/** The models present, by id; a missing directory is simply no models yet. */
export async function listModels(dir: string): Promise<ModelEntry[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const entries = await Promise.all(
    names.map(async (name): Promise<ModelEntry | undefined> => {
      const id = modelIdFromFileName(name);
      if (id === undefined) return undefined;
      const path = join(dir, name);
      // stat, not lstat: a symlink to a model elsewhere is a model.
      const info = await stat(path).catch(() => undefined);
      if (info === undefined || !info.isFile()) return undefined;
      return { id, path, size_bytes: info.size, modified_at: info.mtime.toISOString() };
    }),
  );
  return entries
    .filter((entry): entry is ModelEntry => entry !== undefined)
    .sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * The model `requested` names, or MODEL_NOT_FOUND listing the models present and where. An id
 * outside MODEL_ID is refused first, as the daemon and the CLI refuse it before sending it.
 */
export async function findModel(dir: string, requested: string): Promise<ModelEntry> {
  if (!MODEL_ID.pattern.test(requested)) {
    throw new RbeesError('BAD_REQUEST', idProblem(MODEL_ID, requested), { requested });
  }
  const models = await listModels(dir);
  try {
    const id = resolveModelId(
      requested,
      models.map((m) => m.id),
    );
    const found = models.find((m) => m.id === id);
    if (found !== undefined) return found;
  } catch (err) {
    if (!(err instanceof RbeesError)) throw err;
  }
  const present = models.map((m) => m.id);
  throw new RbeesError(
    'MODEL_NOT_FOUND',
    `model "${requested}" is not in ${dir}; present: ${present.length > 0 ? present.join(', ') : 'none'} — ` +
      'download it first or choose one of those',
    { requested, models_dir: dir, present },
  );
}
