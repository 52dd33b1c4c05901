/**
 * Where the agent is installed, found from the running entry script (process.argv[1]) rather than
 * import.meta.url: in the bundle this code may sit in a shared chunk (out/main/chunks/), while the
 * entry is always out/main/rbees-pool.js, bin/rbees-pool.js, or src/pool/agent/main.ts under tsx.
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RbeesError } from '../../../shared/errors';

export interface WorkerProgram {
  command: string;
  args: string[];
  /** The install's root: tsx (from source) resolves from here. */
  cwd: string;
}

function entryPath(entry: string | undefined): string {
  const path = resolve(entry ?? '.');
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The agent's own directory (a git checkout when installed by cloning): the repo root. */
export function agentRoot(entry = process.argv[1], env: NodeJS.ProcessEnv = process.env): string {
  // Set by installs that place the agent elsewhere (and by tests).
  if (env.RBEES_AGENT_DIR) return resolve(env.RBEES_AGENT_DIR);
  const dir = dirname(entryPath(entry));
  // src/pool/agent/main.ts and out/main/rbees-pool.js are 3 and 2 levels below; bin/ is 1.
  if (entry?.endsWith('.ts')) return resolve(dir, '../../..');
  return existsSync(join(dir, 'workerd.js')) ? resolve(dir, '../..') : resolve(dir, '..');
}

/**
 * How to start rbees-workerd: the bundle next to the agent's bundle (out/main/workerd.js), or,
 * when the agent runs from source under tsx, the worker's source through `node --import tsx`.
 */
export function resolveWorkerProgram(entry = process.argv[1]): WorkerProgram {
  const path = entryPath(entry);
  const dir = dirname(path);
  if (path.endsWith('.ts')) {
    const root = resolve(dir, '../../..');
    const main = join(root, 'src/pool/workerd/main.ts');
    if (existsSync(main))
      return { command: process.execPath, args: ['--import', 'tsx', main], cwd: root };
  }
  const candidates = [join(dir, 'workerd.js'), join(dir, '../out/main/workerd.js')];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new RbeesError(
      'INTERNAL',
      `rbees-workerd not found next to the agent (looked for ${candidates.join(', ')}) — ` +
        'reinstall the agent with `rbees-ctl pool install` or run `npm run build` in a checkout',
    );
  }
  return { command: process.execPath, args: [found], cwd: resolve(dirname(found), '../..') };
}
