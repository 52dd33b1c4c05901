/**
 * node-llama-cpp's prebuilt binaries for a platform this machine is not (a Mac host from a Linux
 * box): `npm pack` them here, where the registry is reachable (the host may have no internet),
 * and unpack each into a cache laid out as a node_modules, reused by later installs.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { RbeesError } from '../../shared/errors';

const run = promisify(execFile);

/** `$RBEES_HOME/cache/npm` (default ~/.rbees/cache/npm): holds `node_modules/<name>`. */
export function binaryCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(resolve(env.RBEES_HOME || join(homedir(), '.rbees')), 'cache', 'npm');
}

async function cachedVersion(dir: string): Promise<string | null> {
  try {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? null;
  } catch {
    return null;
  }
}

/**
 * Makes `<cache>/node_modules/<name>` hold `name@version` (an exact version, as node-llama-cpp
 * pins its binaries); returns its path relative to the cache (`node_modules/<name>`).
 */
export async function fetchPackage(cache: string, name: string, version: string): Promise<string> {
  const rel = join('node_modules', name);
  const dest = join(cache, rel);
  if ((await cachedVersion(dest)) === version) return rel;
  await mkdir(cache, { recursive: true, mode: 0o700 }); // inside RBEES_HOME: owner-only
  const work = await mkdtemp(join(cache, '.pack-'));
  try {
    let stdout: string;
    try {
      ({ stdout } = await run('npm', ['pack', `${name}@${version}`, '--json', '--silent'], {
        cwd: work,
        maxBuffer: 16 * 1024 * 1024,
      }));
    } catch (err) {
      throw new RbeesError(
        'DOWNLOAD_FAILED',
        `npm pack ${name}@${version} failed on this machine: ` +
          `${err instanceof Error ? err.message.split('\n')[0] : String(err)} — ` +
          'check that npm reaches its registry here, or install on a host of this platform',
      );
    }
    const parsed = JSON.parse(stdout) as { filename?: string }[];
    const file = parsed[0]?.filename;
    if (!file) throw new RbeesError('DOWNLOAD_FAILED', `npm pack ${name}@${version} named no file`);
    // Unpack next to the target first, so a failed unpack never leaves a half package cached.
    const unpacked = join(work, 'package');
    await run('tar', ['-xzf', join(work, file), '-C', work]);
    await rm(dest, { recursive: true, force: true });
    await mkdir(join(dest, '..'), { recursive: true });
    await rename(unpacked, dest);
    return rel;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
