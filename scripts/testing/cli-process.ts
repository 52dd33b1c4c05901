/** Test helpers: run the real llorch CLI (from source, through tsx) as its own process. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentManifest } from '../../src/main/install/agent-dir';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const MAIN = fileURLToPath(new URL('../../src/main/cli/main.ts', import.meta.url));
/** The built agent (`out/main/rbees-pool.js`): what a host runs. */
export const AGENT_BUNDLE = join(REPO, 'out/main/rbees-pool.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running CLI: its output so far, and its end. */
export interface CliProcess {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  done: Promise<CliRun>;
}

export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const done = new Promise<CliRun>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal, ...output }));
  });
  return { child, output, done };
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return startCli(args, env).done;
}

/** stdout's lines, each parsed (with --json every line must parse). */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * Installs the agent the cheap way into `dir` (the test hosts share this filesystem): a launcher
 * that runs the built bundle, and notes each call in `calls.log` so a test can tell whether
 * anything ran. World-readable, since the hosts' user is not the one running the tests. Its
 * package.json marks the dir as an agent's, as an install does, so an update may replace it.
 */
export async function installLauncher(dir: string): Promise<{ calls: string }> {
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
  const calls = join(dir, 'calls.log');
  await writeFile(calls, '');
  await chmod(calls, 0o666);
  await writeFile(join(dir, 'package.json'), agentManifest('0.0.0+launcher'));
  const launcher = join(dir, 'rbees-pool');
  await writeFile(
    launcher,
    `#!/bin/sh\necho "$*" >> ${calls}\nexec ${process.execPath} ${AGENT_BUNDLE} "$@"\n`,
  );
  await chmod(launcher, 0o755);
  return { calls };
}

/**
 * Pids of the processes whose command line mentions `text` (Linux /proc): finds what a test left
 * running on a test host (they share this machine's process table).
 */
export async function pidsMentioning(text: string): Promise<number[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const pids = await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
      .map(async (name) => {
        const raw = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
        const command = raw.replaceAll('\0', ' '); // arguments are NUL-separated
        return command.includes(text) ? Number(name) : undefined;
      }),
  );
  return pids.filter((pid): pid is number => pid !== undefined);
}

/**
 * Pids of the live (not zombie) descendants of `pid` (Linux /proc): what a process started and
 * left running, an sshd's sessions and their commands on a test host included.
 */
export async function descendantsOf(pid: number): Promise<number[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const parents = new Map<number, number>();
  await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name))
      .map(async (name) => {
        const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
        // The command name in parentheses may hold spaces: the fields after its last ')'.
        const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (state !== undefined && state !== 'Z') parents.set(Number(name), Number(ppid));
      }),
  );
  const found: number[] = [];
  const wanted = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [child, parent] of parents) {
      if (wanted.has(parent) && !wanted.has(child)) {
        wanted.add(child);
        found.push(child);
        grew = true;
      }
    }
  }
  return found;
}
