/**
 * What `models list` learnt of each file (header facts, memory estimate), kept while the file's
 * size and modification time are unchanged: in memory for `serve --stdio`, and in
 * `$RBEES_HOME/cache/model-facts.json` for one-shot runs (this computer's agent is one process
 * per call). Without it every listing would load node-llama-cpp's addon, whose binary check alone
 * costs ~1 s of CPU; with it a listing of known files does not import node-llama-cpp at all.
 *
 * A cache, so anything wrong with the file means "nothing cached" (it is rewritten); the reasons
 * other than its absence go to stderr. The key includes node-llama-cpp's version and FORMAT, so an
 * upgrade of either estimates again.
 */
import { createRequire } from 'node:module';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ModelDetails, ModelEntry } from '../../../shared/pool-status';
import { makePrivateDir, PRIVATE_FILE, rbeesHome } from '../paths';

/** Bump when the facts written change shape or meaning (fit-estimate.ts, gguf-info.ts). */
const FORMAT = 1;

export type Facts = Omit<ModelDetails, keyof ModelEntry>;
interface Entry {
  size: number;
  modified: string;
  facts: Facts;
}

/** One per process and cache file: serve's calls share it. */
let memory: { file: string; key: string | undefined; entries: Map<string, Entry> } | undefined;

function cacheFile(): string {
  return join(rbeesHome(), 'cache', 'model-facts.json');
}

/**
 * node-llama-cpp's version, from its package.json (importing it would cost what we save);
 * undefined where it cannot be found, and then nothing is kept on disk.
 */
async function cacheKey(): Promise<string | undefined> {
  try {
    const entry = createRequire(import.meta.url).resolve('node-llama-cpp');
    const pkg = JSON.parse(await readFile(join(dirname(entry), '..', 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? `${FORMAT}/node-llama-cpp@${pkg.version}` : undefined;
  } catch {
    return undefined;
  }
}

function isEntry(value: unknown): value is Entry {
  const e = value as Partial<Entry> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.size === 'number' &&
    typeof e.modified === 'string' &&
    typeof e.facts === 'object' &&
    e.facts !== null
  );
}

async function readEntries(key: string): Promise<Map<string, Entry>> {
  let text: string;
  try {
    text = await readFile(cacheFile(), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') warn(`cannot read ${cacheFile()}`, err);
    return new Map();
  }
  try {
    const data = JSON.parse(text) as { key?: unknown; entries?: Record<string, unknown> };
    if (data.key !== key || typeof data.entries !== 'object' || data.entries === null) {
      return new Map();
    }
    return new Map(
      Object.entries(data.entries).filter((pair): pair is [string, Entry] => isEntry(pair[1])),
    );
  } catch (err) {
    warn(`${cacheFile()} is not JSON; it will be rewritten`, err);
    return new Map();
  }
}

function warn(what: string, err: unknown): void {
  process.stderr.write(
    `rbees-pool: ${what}: ${err instanceof Error ? err.message : String(err)}\n`,
  );
}

/** The facts of each model, from the cache where its file is unchanged, else from `compute`. */
export async function cachedFacts(
  models: readonly ModelEntry[],
  compute: (model: ModelEntry) => Promise<Facts>,
): Promise<ModelDetails[]> {
  const key = await cacheKey();
  const file = cacheFile();
  if (memory === undefined || memory.key !== key || memory.file !== file) {
    memory = {
      file,
      key,
      entries: key === undefined ? new Map<string, Entry>() : await readEntries(key),
    };
  }
  const { entries } = memory;
  let changed = false;
  for (const path of [...entries.keys()]) {
    if (!models.some((m) => m.path === path)) changed = entries.delete(path) || changed;
  }
  const details = await Promise.all(
    models.map(async (model): Promise<ModelDetails> => {
      const known = entries.get(model.path);
      if (known && known.size === model.size_bytes && known.modified === model.modified_at) {
        return { ...model, ...known.facts };
      }
      const facts = await compute(model);
      // A failed estimate may be passing (the addon's check timed out): try again next time.
      if (facts.fit_error === undefined) {
        entries.set(model.path, { size: model.size_bytes, modified: model.modified_at, facts });
        changed = true;
      }
      return { ...model, ...facts };
    }),
  );
  if (changed && key !== undefined) await save(key, entries);
  return details;
}

/** Written whole under a temporary name, then renamed: a reader never sees half a file. */
async function save(key: string, entries: Map<string, Entry>): Promise<void> {
  const file = cacheFile();
  const partial = `${file}.${process.pid}.partial`;
  try {
    await makePrivateDir(dirname(file));
    const data = { key, entries: Object.fromEntries(entries) };
    await writeFile(partial, `${JSON.stringify(data)}\n`, { mode: PRIVATE_FILE });
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { force: true }).catch(() => undefined);
    warn(`cannot write ${file} (listings stay correct, only slower)`, err);
  }
}
