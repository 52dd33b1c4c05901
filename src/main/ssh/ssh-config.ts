import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { matchPatternList } from './host-pattern';

/** Where an alias leads, as OpenSSH would resolve it. */
export interface ResolvedHost {
  alias: string;
  hostname: string;
  user: string;
  port: number;
  identityFiles: string[];
  /** Reported only: rbees does not jump through it (yet). */
  proxyJump: string | null;
  source: 'ssh -G' | 'ssh_config';
}

/** `user@host:port`, `host:port`, `user@[v6]:port` or just an alias. */
export function parseTarget(spec: string): { user?: string; host: string; port?: number } {
  const at = spec.lastIndexOf('@');
  const user = at > 0 ? spec.slice(0, at) : undefined;
  let host = at >= 0 ? spec.slice(at + 1) : spec;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(host);
  const withPort = /^([^:]+):(\d+)$/.exec(host);
  if (bracketed) {
    host = bracketed[1] ?? host;
    if (bracketed[2]) port = Number(bracketed[2]);
  } else if (withPort) {
    host = withPort[1] ?? host;
    port = Number(withPort[2]);
  }
  if (port !== undefined && (port < 1 || port > 65535))
    throw new Error(`${spec}: port ${port} is out of range`);
  return { host, ...(user ? { user } : {}), ...(port ? { port } : {}) };
}

function expand(path: string, home: string, vars: Record<string, string>): string {
  const tilde = path === '~' || path.startsWith('~/') ? home + path.slice(1) : path;
  return tilde.replace(/%([%dhru])/g, (_, k: string) => (k === '%' ? '%' : (vars[k] ?? `%${k}`)));
}

/** Reads `ssh -G` output (`key value` lines, keys lowercase). */
export function parseSshG(alias: string, output: string, home = homedir()): ResolvedHost {
  const values = new Map<string, string[]>();
  for (const line of output.split('\n')) {
    const m = /^(\S+)\s+(.*)$/.exec(line.trim());
    if (!m?.[1] || m[2] === undefined) continue;
    values.set(m[1], [...(values.get(m[1]) ?? []), m[2]]);
  }
  const one = (key: string): string | undefined => values.get(key)?.[0];
  const jump = one('proxyjump');
  return {
    alias,
    hostname: one('hostname') ?? alias,
    user: one('user') ?? userInfo().username,
    port: Number(one('port') ?? 22),
    identityFiles: (values.get('identityfile') ?? []).map((f) => expand(f, home, {})),
    proxyJump: jump && jump !== 'none' ? jump : null,
    source: 'ssh -G',
  };
}

/** A minimal ssh_config reader for machines without `ssh`: Host blocks, first value wins. */
export function parseSshConfig(alias: string, text: string, home = homedir()): ResolvedHost {
  const found = new Map<string, string>();
  const identityFiles: string[] = [];
  let active = true;
  for (const raw of text.split('\n')) {
    const m = /^\s*(\w+)\s*(?:=\s*|\s+)(.*?)\s*$/.exec(raw);
    if (!m?.[1] || m[2] === undefined || raw.trim().startsWith('#')) continue;
    const key = m[1].toLowerCase();
    const value = m[2].replace(/^"(.*)"$/, '$1');
    if (key === 'host') active = matchPatternList(value.split(/\s+/), alias);
    else if (key === 'match')
      active = false; // Match needs evaluation this reader does not do.
    else if (!active) continue;
    else if (key === 'identityfile') identityFiles.push(value);
    else if (!found.has(key)) found.set(key, value);
  }
  const local = userInfo().username;
  const hostname = (found.get('hostname') ?? alias).replace(/%h/g, alias);
  const user = found.get('user') ?? local;
  const vars = { d: home, h: hostname, r: user, u: local };
  const defaults = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(home, '.ssh', f));
  const jump = found.get('proxyjump');
  return {
    alias,
    hostname,
    user,
    port: Number(found.get('port') ?? 22),
    identityFiles:
      identityFiles.length > 0 ? identityFiles.map((f) => expand(f, home, vars)) : defaults,
    proxyJump: jump && jump !== 'none' ? jump : null,
    source: 'ssh_config',
  };
}

/** Runs `ssh -G`; null when OpenSSH's client is not installed. */
export function runSshG(args: readonly string[]): Promise<string | null> {
  return new Promise((resolve, reject) => {
    execFile('ssh', ['-G', ...args], { encoding: 'utf8', timeout: 5000 }, (err, stdout, stderr) => {
      if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') resolve(null);
      else if (err)
        reject(new Error(`ssh -G ${args.join(' ')} failed: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

export interface ResolveDeps {
  sshG?: (args: readonly string[]) => Promise<string | null>;
  configPath?: string;
  home?: string;
}

/** Resolves an alias or `user@host[:port]` with `ssh -G`, or ~/.ssh/config without OpenSSH. */
export async function resolveHost(spec: string, deps: ResolveDeps = {}): Promise<ResolvedHost> {
  const target = parseTarget(spec);
  const home = deps.home ?? homedir();
  const args = [
    ...(target.user ? ['-l', target.user] : []),
    ...(target.port ? ['-p', String(target.port)] : []),
    // `--` keeps a host that starts with `-` from being read as an option.
    '--',
    target.host,
  ];
  const out = await (deps.sshG ?? runSshG)(args);
  let resolved: ResolvedHost;
  if (out !== null) {
    resolved = parseSshG(target.host, out, home);
  } else {
    const path = deps.configPath ?? join(home, '.ssh', 'config');
    const text = await readFile(path, 'utf8').catch(() => '');
    resolved = parseSshConfig(target.host, text, home);
  }
  return {
    ...resolved,
    ...(target.user ? { user: target.user } : {}),
    ...(target.port ? { port: target.port } : {}),
  };
}

/** The aliases a `Host` line names outright (no wildcards or negations): what a picker offers. */
export function listAliases(text: string): string[] {
  const aliases = new Set<string>();
  for (const raw of text.split('\n')) {
    const m = /^\s*host\s*(?:=\s*|\s+)(.*?)\s*$/i.exec(raw);
    if (!m?.[1]) continue;
    for (const word of m[1].split(/\s+/)) {
      if (word !== '' && !/[*?!]/.test(word)) aliases.add(word.replace(/^"(.*)"$/, '$1'));
    }
  }
  return [...aliases];
}
