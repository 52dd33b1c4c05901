/**
 * The agent payload for one target platform: the built agent and worker, a launcher, a
 * package.json that makes Node read the bundle as ESM, and the runtime node_modules closure. It
 * is described here (what to take from where) and streamed as one gzipped tar by `payloadStream`.
 */
import { spawn } from 'node:child_process';
import { chmod, lstat, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { RbeesError } from '../../shared/errors';
import { agentManifest } from './agent-dir';
import { binaryCacheDir, fetchPackage } from './fetch-binaries';
import type { Platform } from './platform';
import { LAUNCHER, planPayload } from './version';

export { LAUNCHER } from './version';

/** One directory to take paths from (tar's `-C dir path…`). */
export interface PayloadSource {
  dir: string;
  paths: string[];
}

export interface Payload {
  platform: Platform;
  /** `<package version>+<12 hex of the content hash>`, also written to VERSION. */
  version: string;
  sources: PayloadSource[];
  /** Nested package dirs left out (`node_modules/a/node_modules/b`). */
  exclude: string[];
  /** `name@version` of every shipped package. */
  packages: string[];
  /** Optional packages left out as not for this platform. */
  skipped: string[];
  /** Binary packages fetched with `npm pack` (not in the local node_modules). */
  fetched: string[];
  /** Size on disk once unpacked. */
  unpackedBytes: number;
  /** Removes the generated files. */
  dispose(): Promise<void>;
}

export interface PayloadOptions {
  /** The checkout: its package.json, out/main and node_modules. */
  root: string;
  platform: Platform;
  /** Where fetched binaries are cached (default $RBEES_HOME/cache/npm). */
  cache?: string;
}

async function sizeOf(path: string): Promise<number> {
  const st = await lstat(path);
  if (!st.isDirectory()) return st.size;
  const names = await readdir(path);
  const sizes = await Promise.all(names.map((n) => sizeOf(join(path, n))));
  return sizes.reduce((a, b) => a + b, st.size);
}

export async function buildPayload(options: PayloadOptions): Promise<Payload> {
  const { root, platform } = options;
  const { outDir, graph, closure, version } = await planPayload(root, platform);
  const cache = options.cache ?? binaryCacheDir();
  const fetchedPaths: string[] = [];
  for (const { name, version: pinned } of closure.fetch) {
    fetchedPaths.push(await fetchPackage(cache, name, pinned));
  }

  const stage = await mkdtemp(join(tmpdir(), 'rbees-payload-'));
  try {
    await writeFile(join(stage, 'rbees-pool'), LAUNCHER);
    await chmod(join(stage, 'rbees-pool'), 0o755);
    // The mark of an agent's dir (agent-dir.ts): first in the tar, so even a cut unpack has it.
    await writeFile(join(stage, 'package.json'), agentManifest(version));
    await writeFile(join(stage, 'VERSION'), `${version}\n`);
    const sources: PayloadSource[] = [
      { dir: stage, paths: ['package.json', 'rbees-pool', 'VERSION'] },
      { dir: outDir, paths: graph.files },
      { dir: root, paths: closure.dirs },
      ...(fetchedPaths.length > 0 ? [{ dir: cache, paths: fetchedPaths }] : []),
    ];
    let unpackedBytes = 0;
    for (const s of sources) {
      for (const p of s.paths) unpackedBytes += await sizeOf(join(s.dir, p));
    }
    return {
      platform,
      version,
      sources,
      exclude: closure.exclude,
      packages: closure.versions,
      skipped: closure.skipped,
      fetched: closure.fetch.map((f) => `${f.name}@${f.version}`),
      unpackedBytes,
      dispose: () => rm(stage, { recursive: true, force: true }),
    };
  } catch (err) {
    await rm(stage, { recursive: true, force: true });
    throw err;
  }
}

/** tar's arguments for the payload: `-C dir paths…` per source, excluded dirs left out. */
export function tarArgs(payload: Payload): string[] {
  const args = ['-cf', '-'];
  for (const e of payload.exclude) args.push(`--exclude=${e}`);
  for (const s of payload.sources) args.push('-C', s.dir, ...s.paths);
  return args;
}

/**
 * The payload as a gzip stream (level 1: the link, not the CPU, should be the bottleneck) and a
 * promise that rejects if the local tar fails, so a truncated stream is never taken as complete.
 */
export function payloadStream(payload: Payload): { stream: Readable; done: Promise<void> } {
  const tar = spawn('tar', tarArgs(payload), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  tar.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const gzip = createGzip({ level: 1 });
  tar.stdout.pipe(gzip);
  const done = new Promise<void>((resolve, reject) => {
    tar.once('error', (err) => reject(new RbeesError('INTERNAL', `local tar: ${err.message}`)));
    tar.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new RbeesError('INTERNAL', `local tar exited with ${code}: ${stderr.trim()}`));
    });
  });
  done.catch(() => gzip.destroy());
  return { stream: gzip, done };
}
