/**
 * The flags every `llorch pool …` command takes to reach its host, split off the command line so
 * that the rest can be forwarded to `rbees-pool` unchanged (also for agent commands this CLI does
 * not know the options of, like `models download`).
 */
import { AGENT_DIR, idProblem } from '../../shared/ids';
import { UsageError } from './router';

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

const STRING_FLAGS = {
  '--host': 'host',
  '--identity': 'identity',
  '-i': 'identity',
  '--agent-dir': 'agentDir',
  '--trust-host-key': 'trustHostKey',
  '--known-hosts': 'knownHosts',
} as const;

type StringKey = (typeof STRING_FLAGS)[keyof typeof STRING_FLAGS];

export const DEFAULT_AGENT_DIR = '~/.rbees/agent';

export const CONNECTION_HELP = `connection:
  --host HOST              a host added to the daemon (by its name), an alias from
                           ~/.ssh/config, or user@host[:port] (required)
  -i, --identity FILE      log in with this private key only (default: ssh-agent and the
                           keys ~/.ssh/config names for the host)
  --agent-dir DIR          where rbees-pool is installed on the host (default $RBEES_AGENT_DIR,
                           else ${DEFAULT_AGENT_DIR})
  --trust-host-key SHA256:…  trust the host's key if it has exactly this fingerprint; it is saved
                           to $RBEES_HOME/known_hosts (~/.rbees/known_hosts)
  --known-hosts FILE       your OpenSSH known_hosts (default ~/.ssh/known_hosts)
  --json                   one JSON object per line on stdout, as rbees-pool prints them
  -h, --help               this help`;

function isStringFlag(flag: string): flag is keyof typeof STRING_FLAGS {
  return Object.hasOwn(STRING_FLAGS, flag);
}

/**
 * Takes the connection flags (`--host H` or `--host=H`) out of argv; `rest` keeps everything else
 * in order. Arguments after `--` are never read as our flags.
 */
export function splitConnectionArgs(
  argv: readonly string[],
  usage: string,
  env: NodeJS.ProcessEnv = process.env,
): { connection: ConnectionArgs; rest: string[] } {
  const found: Partial<Record<StringKey, string>> = {};
  let json = false;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === '--json') {
      json = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (!isStringFlag(flag)) {
      rest.push(arg);
      continue;
    }
    let value: string | undefined;
    if (flag !== arg) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || (value.startsWith('-') && flag === arg)) {
      throw new UsageError(`${flag} needs a value`, usage);
    }
    found[STRING_FLAGS[flag]] = value;
  }
  if (found.host === undefined || found.host === '') {
    throw new UsageError('missing --host (an ~/.ssh/config alias or user@host[:port])', usage);
  }
  if (found.trustHostKey !== undefined && !/^SHA256:[A-Za-z0-9+/]{43}$/.test(found.trustHostKey)) {
    throw new UsageError(
      `--trust-host-key "${found.trustHostKey}" is not a SHA256 fingerprint ` +
        '(SHA256: and 43 base64 characters, as `ssh-keygen -lf` prints it)',
      usage,
    );
  }
  const agentDir = found.agentDir ?? (env.RBEES_AGENT_DIR || DEFAULT_AGENT_DIR);
  // It reaches the host's command lines, and `pool install` renames and replaces it.
  if (!AGENT_DIR.pattern.test(agentDir)) {
    const from = found.agentDir !== undefined ? '--agent-dir' : 'RBEES_AGENT_DIR';
    throw new UsageError(`${from} ${idProblem(AGENT_DIR, agentDir)}`, usage);
  }
  return {
    connection: {
      host: found.host,
      agentDir,
      json,
      ...(found.agentDir !== undefined ? { agentDirFlag: true } : {}),
      ...(found.identity !== undefined ? { identity: found.identity } : {}),
      ...(found.trustHostKey !== undefined ? { trustHostKey: found.trustHostKey } : {}),
      ...(found.knownHosts !== undefined ? { knownHosts: found.knownHosts } : {}),
    },
    rest,
  };
}
