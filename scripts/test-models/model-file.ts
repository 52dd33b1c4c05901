/**
 * Writes a generated model to disk once: repeated test runs reuse the file when its params
 * (kept in a NAME.params.json sidecar) are unchanged.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeGguf } from './gguf-writer';
import { buildLlamaModel } from './llama-model';
import type { LlamaModelParams } from './llama-model';

/** Bump whenever the generator's output bytes change, so that cached files are rewritten. */
const GENERATOR_VERSION = 1;

export interface ModelFile {
  path: string;
  /** false when an up-to-date file was already there */
  written: boolean;
  bytes: number;
  ms: number;
}

export async function ensureModelFile(dir: string, params: LlamaModelParams): Promise<ModelFile> {
  const started = performance.now();
  const path = join(dir, `${params.name}.gguf`);
  const sidecar = join(dir, `${params.name}.params.json`);
  const wanted = `${JSON.stringify({ generator: GENERATOR_VERSION, ...params }, null, 2)}\n`;
  const existing = await stat(path).catch(() => undefined);
  if (existing && (await readFile(sidecar, 'utf8').catch(() => '')) === wanted) {
    return { path, written: false, bytes: existing.size, ms: performance.now() - started };
  }
  await mkdir(dir, { recursive: true });
  // Write under a temporary name and rename: a crash never leaves a half file under the real
  // name, and the pid keeps two processes that generate at once from writing into one file.
  const partial = `${path}.${process.pid}.partial`;
  let bytes: number;
  try {
    bytes = await writeGguf(partial, buildLlamaModel(params));
    await rename(partial, path);
  } finally {
    await rm(partial, { force: true });
  }
  // The sidecar comes last: if we die before it, the next run regenerates the model.
  await writeFile(`${sidecar}.${process.pid}.partial`, wanted);
  await rename(`${sidecar}.${process.pid}.partial`, sidecar);
  return { path, written: true, bytes, ms: performance.now() - started };
}
