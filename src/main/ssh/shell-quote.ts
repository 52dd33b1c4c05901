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

/**
 * A POSIX script as the one command string sshd hands to the user's login shell, which may be
 * fish, zsh, csh as well as sh or bash: each parses POSIX quoting and syntax differently (fish
 * reads `\'` inside single quotes as a quote, `rc=$?` and `if …; fi` are errors there). Every one
 * of them reads single-quoted text without `'` or `\` literally, and base64 needs no quoting, so
 * the script travels as base64 and `sh` decodes and runs it. `eval` leaves the channel's stdin to
 * the script (a tar, `serve --stdio`) and an `exec` in it still replaces the session's process.
 * macOS's base64 before 13 decodes with -D only (and refuses -d): it is the fallback.
 */
export function forLoginShell(script: string): string {
  if (script.includes('\0')) throw new Error('a remote command cannot contain a NUL byte');
  const encoded = Buffer.from(script, 'utf8').toString('base64');
  return (
    `exec sh -c 'rbees_b=${encoded}; rbees_s=$(echo $rbees_b | base64 -d 2>/dev/null) || ` +
    `rbees_s=$(echo $rbees_b | base64 -D) || exit 126; eval "$rbees_s"'`
  );
}
