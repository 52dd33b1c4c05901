import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { RbeesError } from '../../shared/errors';
import { resolveHost } from '../ssh';
import type { ResolvedHost, SshHostOptions } from '../ssh';
import { registeredHosts } from '../daemon/store/store';
import type { ConnectionArgs } from './connection-args';

/** `$RBEES_HOME`, else ~/.rbees (the daemon's rule, without creating anything). */
export function rbeesHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.RBEES_HOME || join(homedir(), '.rbees'));
}

/**
 * `--host NAME` naming a host added to the daemon (`$RBEES_HOME/rbees.db`) becomes that host's
 * spec, key and agent dir; flags given on the command line still win. Anything else is left as is.
 */
export async function registeredConnection(
  args: ConnectionArgs,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ConnectionArgs> {
  const records = registeredHosts(rbeesHome(env));
  const record = records.find((r) => r.name === args.host);
  if (!record) return args;
  return {
    ...args,
    name: record.name,
    host: record.spec,
    agentDir: args.agentDirFlag ? args.agentDir : record.agent_dir,
    ...(args.identity === undefined && record.identity_file !== undefined
      ? { identity: record.identity_file.replace(/^~(?=\/|$)/, homedir()) }
      : {}),
  };
}

/**
 * Session options for `--host` and friends. `--identity` means that key only (like OpenSSH's
 * IdentitiesOnly): an agent holding many keys would otherwise use up the server's MaxAuthTries
 * before the key the user named.
 */
export async function hostOptions(
  args: ConnectionArgs,
  env: NodeJS.ProcessEnv = process.env,
  resolver: (spec: string) => Promise<ResolvedHost> = resolveHost,
): Promise<SshHostOptions> {
  let resolved: ResolvedHost;
  try {
    resolved = await resolver(args.host);
  } catch (err) {
    throw new RbeesError(
      'SSH_CONNECT_FAILED',
      `${args.host}: cannot resolve the host: ${err instanceof Error ? err.message : String(err)}; ` +
        'use an alias from ~/.ssh/config or user@host[:port]',
    );
  }
  if (resolved.proxyJump !== null) {
    process.stderr.write(
      `llorch: ${args.host}: ProxyJump ${resolved.proxyJump} is not supported yet; connecting directly\n`,
    );
  }
  return {
    name: args.name ?? args.host,
    hostname: resolved.hostname,
    port: resolved.port,
    user: resolved.user,
    identityFiles: args.identity !== undefined ? [resolve(args.identity)] : resolved.identityFiles,
    ...(args.identity !== undefined ? { agent: false } : {}),
    knownHostsFiles: args.knownHosts
      ? [resolve(args.knownHosts)]
      : [join(homedir(), '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts'],
    rbeesKnownHosts: join(rbeesHome(env), 'known_hosts'),
  };
}
