import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';

/** Runs a program (no shell) and returns its stdout; the error names the command and its stderr. */
export function run(file: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) {
        reject(
          new Error(`\`${[file, ...args].join(' ')}\` failed: ${stderr.trim() || err.message}`),
        );
      } else {
        resolve(stdout);
      }
    });
  });
}

/** Parent PID and state letter from /proc/<pid>/stat, or null when the process is gone. */
async function procStat(pid: number): Promise<{ ppid: number; state: string } | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] ?? '?', ppid: Number(rest[1]) };
  } catch {
    return null;
  }
}

/**
 * The process runs (it exists and is not a zombie). Detached workers are reparented to PID 1 when
 * whoever started them exits, and PID 1 here may reap an ended one only seconds later.
 */
export async function isRunning(pid: number): Promise<boolean> {
  const stat = await procStat(pid);
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X';
}

/**
 * `root` and its descendants by depth (`[[root], children, grandchildren, …]`), found by walking
 * /proc: sshd's session processes setsid(), so a process group kill would miss them.
 */
export async function processTree(root: number): Promise<number[][]> {
  const parents = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const stat = await procStat(pid);
    if (stat) parents.set(pid, stat.ppid);
  }
  const levels = [[root]];
  for (let level = levels[0]; level && level.length > 0; level = levels[levels.length - 1]) {
    const next = [...parents].filter(([, ppid]) => level.includes(ppid)).map(([pid]) => pid);
    if (next.length === 0) break;
    levels.push(next);
  }
  return levels;
}

/**
 * SIGKILLs the processes and waits until none runs. A zombie counts as gone: when a session ends,
 * sshd's privsep monitor may exit before its child, which init then reaps, seconds later here.
 */
export async function killAndWait(pids: readonly number[], timeoutMs = 5000): Promise<void> {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left: number[] = [];
    for (const pid of pids) {
      const stat = await procStat(pid);
      if (stat && stat.state !== 'Z' && stat.state !== 'X') left.push(pid);
    }
    if (left.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`processes still running after SIGKILL: ${left.join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Kills a process tree leaves first, so that most processes are reaped by their own parent rather
 * than orphaned to init.
 */
export async function killTree(root: number): Promise<void> {
  const levels = await processTree(root);
  for (const level of levels.reverse()) await killAndWait(level);
}
