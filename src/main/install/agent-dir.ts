/**
 * Which directories the installer may replace or remove: rbees' own agent, an empty directory, or
 * nothing at all. Anything else holds someone's files (an `agent_dir` of `~/thesis`, a
 * `thesis.new` beside it): the install refuses it before sending or removing anything, and the
 * unpack and the swap decide again on the host at the moment they act, so a directory that
 * appears after the probe is refused too.
 *
 * The mark of an agent is its package.json as the installer writes it, naming `rbees-agent`:
 * every install has carried it, and a directory of one's own does not have it by accident (a
 * VERSION file alone is common).
 */
import { RbeesError } from '../../shared/errors';
import { shellQuote } from '../ssh/shell-quote';

export const AGENT_PACKAGE_NAME = 'rbees-agent';

/** The agent's package.json (it also makes Node read the bundle as ESM). */
export function agentManifest(version: string): string {
  const manifest = { name: AGENT_PACKAGE_NAME, private: true, type: 'module', version };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The line of agentManifest that marks the agent's directory. */
export const MARKER_LINE = `  "name": "${AGENT_PACKAGE_NAME}",`;

/** Exit status of a remote step that refused a directory (`refused=<which>` on stdout). */
export const REFUSED_EXIT = 86;

/**
 * `rbees_own DIR`: true when DIR is missing, an empty directory, or an agent. A symlink is judged
 * by what it points to (removing a link never removes its target's files); an unreadable
 * directory is not ours.
 */
const OWN =
  'rbees_own() { [ -e "$1" ] || return 0; [ -d "$1" ] || return 1; ' +
  'rbees_ls=$(ls -A "$1") || return 1; [ -z "$rbees_ls" ] && return 0; ' +
  `grep -qxF ${shellQuote(MARKER_LINE)} "$1/package.json" 2>/dev/null; }`;

export type Which = 'live' | 'new' | 'old';

/** The installer's directory and its siblings, by role. */
export function paths(dir: string): Record<Which, string> {
  return { live: dir, new: `${dir}.new`, old: `${dir}.old` };
}

/**
 * Shell lines that define the check and stop the script (REFUSED_EXIT) unless every directory in
 * `which` may be replaced. `$live`, `$new` and `$old` must be set by the script before.
 */
export function guard(which: readonly Which[]): string {
  const checks = which.map(
    (w) => `rbees_own "$${w}" || { echo refused=${w}; exit ${REFUSED_EXIT}; }`,
  );
  return [OWN, ...checks].join('; ');
}

/** Probe lines: `own_live=yes|no` and so on, for a refusal before anything is built or sent. */
export function ownProbe(which: readonly Which[]): string {
  return [
    OWN,
    ...which.map((w) => `if rbees_own "$${w}"; then echo own_${w}=yes; else echo own_${w}=no; fi`),
  ].join('; ');
}

/** The directories a probe's output reports as not ours. */
export function notOwned(stdout: string, which: readonly Which[]): Which[] {
  return which.filter((w) => new RegExp(`^own_${w}=no$`, 'm').test(stdout));
}

/** The directory a refused step named, if it refused one. */
export function refusedBy(code: number | null, stdout: string): Which | null {
  if (code !== REFUSED_EXIT) return null;
  const which = /^refused=(live|new|old)$/m.exec(stdout)?.[1];
  return which === 'live' || which === 'new' || which === 'old' ? which : null;
}

export function refusal(host: string, dir: string, which: Which): RbeesError {
  const path = paths(dir)[which];
  return new RbeesError(
    'BAD_REQUEST',
    `${host}: ${path} holds files that are not rbees' agent, and the install would replace it — ` +
      'nothing was sent or removed. Choose another agent dir, or empty or remove ' +
      `${path} on ${host} yourself if nothing in it is needed`,
    { host, agent_dir: dir, path },
  );
}
