/**
 * Which built files the agent needs: the entry bundles and every chunk they reach through static
 * or dynamic imports, plus the npm packages those files import by bare name (the build does not
 * bundle node_modules, so they must ship next to the bundle).
 */
import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

/** The agent and the worker it spawns (found next to it as `workerd.js`). */
export const AGENT_ENTRIES = ['rbees-pool.js', 'workerd.js'] as const;

/** `from "x"`, `import "x"` and `import("x")` with a literal specifier. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([^"']+)["']/g;

const BUILTINS = new Set(builtinModules);

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

export interface BundleGraph {
  /** Paths relative to the bundle dir (`rbees-pool.js`, `chunks/x.js`), sorted. */
  files: string[];
  /** npm package names the files import, sorted. */
  packages: string[];
}

/** Walks the import graph from the entries in `outDir` (out/main). */
export async function bundleGraph(
  outDir: string,
  entries: readonly string[] = AGENT_ENTRIES,
): Promise<BundleGraph> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const queue = entries.map((e) => resolve(outDir, e));
  while (queue.length > 0) {
    const file = queue.pop() ?? '';
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(SPECIFIER)) {
      const spec = match[1] ?? '';
      if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec));
      else if (!spec.startsWith('node:') && !BUILTINS.has(spec)) packages.add(packageNameOf(spec));
    }
  }
  return {
    files: [...seen].map((f) => relative(outDir, f)).sort(),
    packages: [...packages].sort(),
  };
}

/** Files outside `outDir` would make the payload reach into the build machine. */
export function assertInside(outDir: string, files: readonly string[]): void {
  for (const f of files) {
    if (f.startsWith('..') || join(outDir, f) === outDir) {
      throw new Error(`the bundle imports ${f}, outside ${outDir}`);
    }
  }
}
