/**
 * The flags every `llorch pool …` command (and `llorch infer --host`) takes to reach its host, and
 * the checks on them, made before anything connects.
 */
import { Option } from 'commander';
import type { CliCommand } from '../../node/cli/cli-command';
import { UsageError } from '../../node/cli/cli-command';
import { AGENT_DIR, idProblem } from '../../shared/ids';

/** How to reach a pool host and where its agent lives. */
export interface ConnectionArgs {
  /** What to connect to: an ~/.ssh/config alias or user@host[:port]. */
  host: string;
  /** The name the user gave (a host registered in the daemon), when `host` was looked up from it. */
  name?: string;
  /** `--agent-dir` was given: it wins over a registered host's agent dir. */
  agentDirFlag?: boolean;
  identity?: string;
  agentDir: string;
  trustHostKey?: string;
  knownHosts?: string;
  json: boolean;
}

/** The connection flags as commander parsed them (`--json` is the program's). */
export interface ConnectionOptions {
  host?: string;
  identity?: string;
  agentDir?: string;
  trustHostKey?: string;
  knownHosts?: string;
  json?: boolean;
}

export const DEFAULT_AGENT_DIR = '~/.rbees/agent';

const CONNECTION_FLAGS = [
  '--host',
  '--identity',
  '--agent-dir',
  '--trust-host-key',
  '--known-hosts',
];

/**
 * What `cmd` was given less the connection flags and their values, in the order and spelling the
 * user wrote (`-f`, `--lines=5`, and all after `--` as is): what goes on to the agent.
 */
export function withoutConnectionArgs(cmd: CliCommand): string[] {
  const ours = cmd.options.filter((o) => o.long !== undefined && CONNECTION_FLAGS.includes(o.long));
  const given = cmd.givenArgs();
  const rest: string[] = [];
  for (let i = 0; i < given.length; i++) {
    const arg = given[i] ?? '';
    if (arg === '--') {
      rest.push(...given.slice(i));
      break;
    }
    const flag = (o: Option) => arg === o.long || arg === o.short;
    const option = ours.find((o) => flag(o) || arg.startsWith(`${o.long}=`));
    if (!option) rest.push(arg);
    else if (flag(option)) i++; // and its value, the next word
  }
  return rest;
}

/** Adds the connection flags to `cmd`, listed in help under `group`. */
export function withConnectionOptions(cmd: CliCommand, group = 'connection:'): CliCommand {
  const options = [
    new Option(
      '--host <HOST>',
      'a host added to the daemon (by its name), an alias from ~/.ssh/config, or ' +
        'user@host[:port] (required)',
    ),
    new Option(
      '-i, --identity <FILE>',
      'log in with this private key only (default: ssh-agent and the keys ~/.ssh/config names ' +
        'for the host)',
    ),
    new Option(
      '--agent-dir <DIR>',
      `where rbees-pool is installed on the host (default $RBEES_AGENT_DIR, else ${DEFAULT_AGENT_DIR})`,
    ),
    new Option(
      '--trust-host-key <SHA256:…>',
      "trust the host's key if it has exactly this fingerprint; it is saved to " +
        '$RBEES_HOME/known_hosts (~/.rbees/known_hosts)',
    ),
    new Option('--known-hosts <FILE>', 'your OpenSSH known_hosts (default ~/.ssh/known_hosts)'),
  ];
  for (const option of options) cmd.addOption(option.helpGroup(group));
  return cmd;
}

/** The parsed flags, checked; `--host` is required. */
export function connectionOf(
  options: ConnectionOptions,
  env: NodeJS.ProcessEnv = process.env,
): ConnectionArgs {
  const given = {
    '--host': options.host,
    '--identity': options.identity,
    '--agent-dir': options.agentDir,
    '--trust-host-key': options.trustHostKey,
    '--known-hosts': options.knownHosts,
  };
  for (const [flag, value] of Object.entries(given)) {
    // `--host --json`: the next flag was taken for the missing value.
    if (value?.startsWith('-')) throw new UsageError(`${flag} needs a value`);
  }
  const { host, identity, trustHostKey, knownHosts } = options;
  if (host === undefined || host === '') {
    throw new UsageError('missing --host (an ~/.ssh/config alias or user@host[:port])');
  }
  if (trustHostKey !== undefined && !/^SHA256:[A-Za-z0-9+/]{43}$/.test(trustHostKey)) {
    throw new UsageError(
      `--trust-host-key "${trustHostKey}" is not a SHA256 fingerprint ` +
        '(SHA256: and 43 base64 characters, as `ssh-keygen -lf` prints it)',
    );
  }
  const agentDir = options.agentDir ?? (env.RBEES_AGENT_DIR || DEFAULT_AGENT_DIR);
  // It reaches the host's command lines, and `pool install` renames and replaces it.
  if (!AGENT_DIR.pattern.test(agentDir)) {
    const from = options.agentDir !== undefined ? '--agent-dir' : 'RBEES_AGENT_DIR';
    throw new UsageError(`${from} ${idProblem(AGENT_DIR, agentDir)}`);
  }
  return {
    host,
    agentDir,
    json: options.json === true,
    ...(options.agentDir !== undefined ? { agentDirFlag: true } : {}),
    ...(identity !== undefined ? { identity } : {}),
    ...(trustHostKey !== undefined ? { trustHostKey } : {}),
    ...(knownHosts !== undefined ? { knownHosts } : {}),
  };
}
