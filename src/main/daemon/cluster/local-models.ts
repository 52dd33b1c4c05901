import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { modelIdFromFileName, resolveModelId } from '../../../shared/models';

export interface LocalModel {
  id: string;
  path: string;
  sizeBytes: number;
}

/**
 * The models on this computer: every `*.gguf` in the models folder. Read on each call (a readdir
 * is cheap) so a file dropped in by hand appears without a restart. Files still being written end
 * in `.partial` and are ignored.
 */
export class LocalModels {
  constructor(private readonly dir: string) {}

  async list(): Promise<LocalModel[]> {
    const entries = await readdir(this.dir, { withFileTypes: true });
    const models: LocalModel[] = [];
    for (const entry of entries) {
      const id =
        entry.isFile() || entry.isSymbolicLink() ? modelIdFromFileName(entry.name) : undefined;
      if (!id) continue;
      const path = join(this.dir, entry.name);
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile()) models.push({ id, path, sizeBytes: info.size });
    }
    return models.sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The model a request names; MODEL_NOT_FOUND lists what exists. */
  async resolve(requested: string): Promise<LocalModel> {
    const models = await this.list();
    const id = resolveModelId(
      requested,
      models.map((model) => model.id),
    );
    return models.find((model) => model.id === id) as LocalModel;
  }
}
