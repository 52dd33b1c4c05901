/** Test helpers: run the real rbees-pool CLI (from source, through tsx) in a temporary home. */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const MAIN = fileURLToPath(new URL('../../src/pool/agent/main.ts', import.meta.url));

export interface AgentRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout's lines, each parsed (with --json every line must parse). */
  lines: Record<string, unknown>[];
  /** The last line: the result or the error. */
  last: Record<string, unknown>;
}

export function runAgent(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 60_000,
): Promise<AgentRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { cwd: REPO, env: { ...process.env, ...env }, timeout: timeoutMs, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        const lines = args.includes('--json')
          ? stdout
              .split('\n')
              .filter((line) => line !== '')
              .map((line) => JSON.parse(line) as Record<string, unknown>)
          : [];
        resolve({ code, stdout, stderr, lines, last: lines.at(-1) ?? {} });
      },
    );
  });
}

/** A fresh RBEES_HOME with a models folder, optionally holding links to `models`. */
export async function tempHome(
  models: readonly string[] = [],
): Promise<{ home: string; models: string; cleanup: () => Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), 'rbees-pool-home-'));
  const dir = join(home, 'models');
  await mkdir(dir);
  for (const model of models) await symlink(model, join(dir, basename(model)));
  return { home, models: dir, cleanup: () => rm(home, { recursive: true, force: true }) };
}

/**
 * A PATH holding nothing at all, so no GPU tool is found even on a host that has one; the agent
 * needs no other program for `status` on Linux (node is started by its absolute path).
 */
export async function emptyPath(): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'rbees-empty-path-'));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/**
 * Pids of the processes whose command line mentions `text` (Linux /proc): a test's safety net for
 * workers started under its temporary home that it never learned the pid of.
 */
export async function pidsMentioning(text: string): Promise<number[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const pids = await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
      .map(async (name) => {
        const command = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
        return command.includes(text) ? Number(name) : undefined;
      }),
  );
  return pids.filter((pid): pid is number => pid !== undefined);
}
