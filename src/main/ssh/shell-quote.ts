/** Characters that never need quoting in a POSIX shell word. */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quotes one argument for a POSIX shell: single quotes keep everything literal (`$`, spaces,
 * newlines, backslashes); a single quote itself is closed, escaped and reopened: `'\''`.
 */
export function shellQuote(arg: string): string {
  if (arg.includes('\0')) throw new Error('a shell argument cannot contain a NUL byte');
  if (arg === '') return "''";
  if (SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, "'\\''")}'`;
}

/** Quotes each argument and joins them into one command line. */
export function shellJoin(args: readonly string[]): string {
  return args.map(shellQuote).join(' ');
}

/** A directory for `cd`: a leading `~/` stays expandable, the rest is quoted. */
export function quoteDir(dir: string): string {
  if (dir === '~') return '"$HOME"';
  if (dir.startsWith('~/')) return `"$HOME"/${shellQuote(dir.slice(2))}`;
  return shellQuote(dir);
}

/**
 * `cd <agent dir> && exec rbees-pool <args…>`. `exec` makes rbees-pool the session's process, so
 * the TERM that an aborted exec sends reaches it rather than an intermediate shell. `env` goes
 * through `env(1)`: sshd passes almost no variables from the client (AcceptEnv).
 */
export function poolCommand(
  agentDir: string,
  args: readonly string[],
  program = 'rbees-pool',
  env: Readonly<Record<string, string>> = {},
): string {
  const vars = Object.entries(env).map(([name, value]) => `${name}=${value}`);
  const prefix = vars.length > 0 ? ['env', ...vars] : [];
  return `cd ${quoteDir(agentDir)} && exec ${shellJoin([...prefix, program, ...args])}`;
}
