/**
 * The agent version this app would install on a platform, without building the payload: the same
 * content hash `buildPayload` writes to VERSION, so "installed !== shipped" means "outdated".
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RbeesError } from '../../shared/errors';
import { assertInside, bundleGraph } from './bundle-graph';
import type { BundleGraph } from './bundle-graph';
import { dependencyClosure } from './closure';
import type { Closure } from './closure';
import type { AgentVersionState } from '../../shared/hosts';
import type { Platform } from './platform';

/**
 * `$0`'s directory, not a build-machine path: the install must run wherever it is unpacked. The
 * agent finds workerd.js next to rbees-pool.js, so nothing else needs a path.
 */
export const LAUNCHER = '#!/bin/sh\nexec node "$(dirname "$0")/rbees-pool.js" "$@"\n';

/** What the version is computed from: the agent's files and every package it ships or fetches. */
export interface PayloadPlan {
  outDir: string;
  graph: BundleGraph;
  closure: Closure;
  /** `<package version>+<12 hex of the content hash>`. */
  version: string;
}

/** Reads the bundle graph and the node_modules closure for `platform`; fetches nothing. */
export async function planPayload(root: string, platform: Platform): Promise<PayloadPlan> {
  const outDir = join(root, 'out', 'main');
  const graph = await bundleGraph(outDir).catch((err: unknown) => {
    throw new RbeesError(
      'INTERNAL',
      `the agent is not built in ${outDir} (${err instanceof Error ? err.message : String(err)}) — run \`npm run build\` first`,
    );
  });
  assertInside(outDir, graph.files);
  const closure = await dependencyClosure(root, graph.packages, platform);
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
    version?: string;
  };
  const hash = createHash('sha256');
  for (const file of graph.files) hash.update(file).update(await readFile(join(outDir, file)));
  hash.update(LAUNCHER).update(platform);
  // Fetched binaries are pinned exactly by node-llama-cpp: their name@version names their bytes.
  for (const p of [...closure.versions, ...closure.fetch.map((f) => `${f.name}@${f.version}`)]) {
    hash.update(p);
  }
  const version = `${pkg.version ?? '0.0.0'}+${hash.digest('hex').slice(0, 12)}`;
  return { outDir, graph, closure, version };
}

/**
 * The shipped version per platform, computed on first use and kept: the bundle does not change
 * under a running app. An install that computed a newer one (a rebuild in a checkout) replaces it.
 */
export class ShippedVersions {
  private readonly known = new Map<Platform, Promise<string>>();

  constructor(private readonly root: string) {}

  get(platform: Platform): Promise<string> {
    let version = this.known.get(platform);
    if (!version) {
      version = planPayload(this.root, platform).then((plan) => plan.version);
      // A failure (not built yet) is not cached: the next call tries again.
      version.catch(() => this.known.delete(platform));
      this.known.set(platform, version);
    }
    return version;
  }

  /** What an install just computed for `platform`. */
  set(platform: Platform, version: string): void {
    this.known.set(platform, Promise.resolve(version));
  }
}

/** How the host's agent compares with the shipped one (see AgentVersionState). */
export function agentVersionState(
  installed: string | null,
  present: boolean,
  shipped: string | null,
): AgentVersionState {
  if (!present) return 'missing';
  if (installed === null || shipped === null) return 'unknown';
  return installed === shipped ? 'current' : 'outdated';
}
