import { open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { checkGgufFile } from '../../../shared/gguf-header';
import { modelIdFromFileName, resolveModelId } from '../../../shared/models';

export interface LocalModel {
  id: string;
  path: string;
  sizeBytes: number;
  modifiedMs: number;
}

/**
 * The models on this computer: every `*.gguf` in the models folder. Read on each call (a readdir
 * is cheap) so a file dropped in by hand appears without a restart. Files still being written end
 * in `.partial` and are ignored.
 */
export class LocalModels {
  /** The trained context of each file, by path, while its size and time stay the same. */
  private readonly contexts = new Map<string, { key: string; context: number | null }>();

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
      if (info?.isFile()) models.push({ id, path, sizeBytes: info.size, modifiedMs: info.mtimeMs });
    }
    return models.sort((a, b) => a.id.localeCompare(b.id));
  }

  /**
   * The context the model was trained on, from its GGUF header (read once per version of the
   * file: the first MiB or so); null when the header does not say or cannot be read.
   */
  async trainedContext(model: LocalModel): Promise<number | null> {
    const key = `${model.sizeBytes}:${model.modifiedMs}`;
    const known = this.contexts.get(model.path);
    if (known?.key === key) return known.context;
    const file = await open(model.path, 'r').catch(() => undefined);
    if (!file) return null;
    try {
      const read = async (length: number) => {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await file.read(buffer, 0, length, 0);
        return buffer.subarray(0, bytesRead);
      };
      const options = { fileName: basename(model.path), fileSize: model.sizeBytes };
      const result = await checkGgufFile(options, read).catch(() => undefined);
      const context = result?.ok === true ? (result.header.contextLength ?? null) : null;
      this.contexts.set(model.path, { key, context });
      return context;
    } finally {
      await file.close();
    }
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
