/**
 * The runtime node_modules closure of a set of package names, read from a local node_modules the
 * way Node resolves them (nearest node_modules upward), keeping only packages the target runs.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { RbeesError } from '../../shared/errors';
import { isBinaryPackageFor, packageRunsOn } from './platform';
import type { Platform } from './platform';

interface PackageJson {
  name?: string;
  version?: string;
  os?: unknown;
  cpu?: unknown;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

export interface Closure {
  /** Top-level package dirs to ship, relative to root (`node_modules/zod`), sorted. */
  dirs: string[];
  /** Nested package dirs inside a shipped dir that must be left out (wrong platform). */
  exclude: string[];
  /** `name@version` of every package shipped (for the content hash and reports). */
  versions: string[];
  /** Optional packages for other platforms, left out. */
  skipped: string[];
  /** Optional binary packages the target needs but root lacks: `{ name, version }`. */
  fetch: { name: string; version: string }[];
}

async function readPackage(dir: string): Promise<PackageJson | null> {
  try {
    return JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return null;
  }
}

/**
 * Node's lookup: `<dir>/node_modules/<name>` from `from` up to `root`, skipping dirs that are
 * themselves a node_modules (Node never looks in `node_modules/node_modules`; a stray link there
 * would otherwise put every package under that path in the payload).
 */
async function locate(
  name: string,
  from: string,
  root: string,
): Promise<{ dir: string; pkg: PackageJson } | null> {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    const pkg = basename(dir) === 'node_modules' ? null : await readPackage(candidate);
    if (pkg) return { dir: candidate, pkg };
    if (dir === root || dirname(dir) === dir || !dir.startsWith(root)) return null;
  }
}

/**
 * node-llama-cpp's linux-arm64 and linux-armv7l packages also declare `cpu: x64` (for cross
 * builds), yet it only loads the binaries named for the host, so those are judged by name too.
 */
function wanted(name: string, pkg: PackageJson, target: Platform): boolean {
  if (!packageRunsOn(pkg, target)) return false;
  return !name.startsWith('@node-llama-cpp/') || isBinaryPackageFor(name, target);
}

/** `node_modules/a/node_modules/b` → `node_modules/a`; scoped names keep their scope. */
function topLevel(rel: string): string {
  const parts = rel.split(sep);
  return parts.slice(0, parts[1]?.startsWith('@') ? 3 : 2).join('/');
}

/**
 * Walks `dependencies` and `optionalDependencies` from `names` (resolved from `root`). A missing
 * required package is an error (the checkout needs `npm ci`); a missing optional one is skipped,
 * except node-llama-cpp's binaries for the target, which are listed in `fetch`.
 */
export async function dependencyClosure(
  root: string,
  names: readonly string[],
  target: Platform,
): Promise<Closure> {
  const shipped = new Map<string, string>();
  const exclude = new Set<string>();
  const skipped = new Set<string>();
  const fetch = new Map<string, string>();
  const queue: { name: string; from: string; optional: boolean; range: string }[] = names.map(
    (name) => ({ name, from: root, optional: false, range: '' }),
  );
  while (queue.length > 0) {
    const next = queue.shift();
    if (next === undefined) break;
    const { name, from, optional, range } = next;
    const found = await locate(name, from, root);
    if (found === null) {
      if (!optional) {
        throw new RbeesError(
          'INTERNAL',
          `${name} is not in ${join(root, 'node_modules')} — run \`npm ci\` there first`,
        );
      }
      if (isBinaryPackageFor(name, target)) fetch.set(name, range);
      else skipped.add(name);
      continue;
    }
    const rel = relative(root, found.dir);
    if (shipped.has(rel)) continue;
    if (optional && !wanted(name, found.pkg, target)) {
      skipped.add(name);
      if (rel !== topLevel(rel)) exclude.add(rel.split(sep).join('/'));
      continue;
    }
    shipped.set(rel, `${found.pkg.name ?? name}@${found.pkg.version ?? '?'}`);
    const deps = [
      ...Object.entries(found.pkg.dependencies ?? {}).map(([n, r]) => [n, r, false] as const),
      ...Object.entries(found.pkg.optionalDependencies ?? {}).map(
        ([n, r]) => [n, r, true] as const,
      ),
    ];
    for (const [dep, depRange, isOptional] of deps) {
      queue.push({ name: dep, from: found.dir, optional: isOptional, range: depRange });
    }
  }
  const dirs = new Set([...shipped.keys()].map(topLevel));
  return {
    dirs: [...dirs].sort(),
    exclude: [...exclude].sort(),
    versions: [...shipped.values()].sort(),
    skipped: [...skipped]
      .filter((n) => ![...shipped.values()].some((v) => v.startsWith(`${n}@`)))
      .sort(),
    fetch: [...fetch].map(([name, version]) => ({ name, version })),
  };
}
