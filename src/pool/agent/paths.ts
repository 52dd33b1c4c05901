import { chmod, mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';

/** `$RBEES_HOME`, else ~/.rbees: everything the agent keeps on its host lives under it. */
export function rbeesHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.RBEES_HOME;
  return home !== undefined && home !== '' ? home : join(homedir(), '.rbees');
}

export function modelsDir(env?: NodeJS.ProcessEnv): string {
  return join(rbeesHome(env), 'models');
}

export function logsDir(env?: NodeJS.ProcessEnv): string {
  return join(rbeesHome(env), 'logs');
}

export function workersDir(env?: NodeJS.ProcessEnv): string {
  return join(rbeesHome(env), 'workers');
}

export function workerLogPath(id: string, env?: NodeJS.ProcessEnv): string {
  return join(logsDir(env), `worker-${id}.log`);
}

/**
 * What the agent writes on its host (logs, download states) is its owner's alone, as in the
 * daemon's home (src/main/daemon/private-home.ts, which src/pool may not import): folders 0700,
 * files 0600.
 */
export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;

/**
 * Creates `dir` owner-only, and closes the agent's home if `dir` is in it and it is open to
 * others (the installer's `mkdir -p`, or an older rbees, made it 0755). models/ is not touched.
 */
export async function makePrivateDir(dir: string, env?: NodeJS.ProcessEnv): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
  const home = resolve(rbeesHome(env));
  const inside = relative(home, resolve(dir));
  if (inside.startsWith('..') || isAbsolute(inside)) return;
  const mode = (await stat(home)).mode & 0o777;
  if ((mode & 0o077) !== 0) await chmod(home, PRIVATE_DIR);
}

/** Opens a log for appending, created owner-only in an owner-only folder. */
export async function openPrivateLog(path: string): Promise<FileHandle> {
  await makePrivateDir(dirname(path));
  return open(path, 'a', PRIVATE_FILE);
}
