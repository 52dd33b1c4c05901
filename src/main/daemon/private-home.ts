import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Logger } from 'pino';

/**
 * `$RBEES_HOME` holds the token, every conversation (rbees.db and its WAL), the logs and the
 * trusted host keys: other local users must read none of it. So the home and every folder rbees
 * makes in it are 0700 and every file rbees writes there 0600, from the moment it is created.
 */
export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;

/** The user's own models folder: rbees reads it, and leaves its modes to its owner. */
const LEFT_AS_IS = new Set(['models']);

/**
 * Folders made owner-only but not walked: `cache/` holds public npm packages for agent installs
 * (thousands of files, walked at every start for nothing), unreachable once the folder is 0700.
 */
const NOT_WALKED = new Set(['cache']);

/** Creates `dir` (and any missing parent) owner-only. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
}

/**
 * Creates `file` empty and owner-only unless it exists. For files a library opens itself with the
 * default 0644 (SQLite gives its -wal and -shm files the database file's mode, so this one call
 * covers all three).
 */
export function touchPrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE));
}

/** One mode that was tightened (or, with `error`, could not be): path relative to the home. */
export interface Tightened {
  path: string;
  from: string;
  to: string;
  /** EPERM, EACCES…: a file someone else (root) owns. Logged; the daemon starts regardless. */
  error?: string;
}

/**
 * Takes group and other access away from the home and everything in it but `models/`, as an
 * older rbees left it (0755 folders, 0644 files): folders become 0700, files keep only their
 * owner's bits (0644 → 0600; an executable, as in cache/, 0755 → 0700; set-id bits go).
 * Symbolic links are not followed (chmod would change their target) and sockets or pipes are
 * left alone. Returns what changed, and what could not be, for the log.
 */
export function tightenHome(home: string): Tightened[] {
  const changed: Tightened[] = [];
  const visit = (path: string, top: boolean, shallow = false): void => {
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (!stat || (!stat.isDirectory() && !stat.isFile())) return;
    const mode = stat.mode & 0o7777;
    const rel = relative(home, path) || '.';
    if ((mode & 0o7077) !== 0) {
      const tight = stat.isDirectory() ? PRIVATE_DIR : mode & 0o700;
      const error = attempt(() => chmodSync(path, tight));
      changed.push({
        path: rel,
        from: octal(mode),
        to: octal(error ? mode : tight),
        ...(error && { error }),
      });
    }
    if (!stat.isDirectory() || shallow) return;
    let names: string[] = [];
    const error = attempt(() => (names = readdirSync(path)));
    if (error) changed.push({ path: rel, from: octal(mode), to: octal(mode), error });
    for (const name of names) {
      if (top && LEFT_AS_IS.has(name)) continue;
      visit(join(path, name), false, top && NOT_WALKED.has(name));
    }
  };
  visit(home, true);
  return changed;
}

/** Says in the daemon's log what `tightenHome` changed, and what it could not. */
export function logTightened(logger: Logger, home: string, tightened: Tightened[]): void {
  const done = tightened.filter((t) => !t.error);
  const failed = tightened.filter((t) => t.error);
  if (done.length > 0) {
    logger.warn(
      { home, count: done.length, changed: done.slice(0, 100) },
      'RBEES_HOME was readable by other users: made it owner-only (folders 0700, files 0600; ' +
        'models/ left as it is)',
    );
  }
  if (failed.length > 0) {
    logger.error(
      { home, count: failed.length, failed: failed.slice(0, 100) },
      'RBEES_HOME holds files rbees cannot make owner-only (owned by another user?): ' +
        'chmod go-rwx them, or remove them',
    );
  }
}

const octal = (mode: number): string => `0${mode.toString(8)}`;

/** The error code of `fn`, undefined when it worked. */
function attempt(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}
