/**
 * OpenSSH host patterns (known_hosts and ssh_config `Host`): `*` and `?` wildcards, `!` negation,
 * compared case-insensitively, as `match_pattern_list` in OpenSSH's match.c does.
 */
export function matchPattern(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const s = name.toLowerCase();
  // Iterative wildcard match with backtracking to the last `*`: linear in practice, no regex.
  let pi = 0;
  let si = 0;
  let star = -1;
  let mark = 0;
  while (si < s.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === s[si])) {
      pi++;
      si++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      mark = si;
    } else if (star >= 0) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

/** A comma list matches if some positive pattern matches and no negated (`!`) one does. */
export function matchPatternList(patterns: readonly string[], name: string): boolean {
  let matched = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (!matchPattern(pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** The name known_hosts stores for a host: `host` on port 22, `[host]:port` otherwise. */
export function hostToken(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}
