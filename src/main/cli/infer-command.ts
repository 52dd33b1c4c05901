import { LIMITS } from '../../shared/limits';
import { CONNECTION_HELP, splitConnectionArgs } from './connection-args';
import type { ConnectionArgs } from './connection-args';
import { parseCommand, positionals, UsageError } from './router';
import type { InferArgs } from './infer-run';
import type { Command, RunContext } from './router';

/** A parsed `llorch infer` command line. */
export const DEFAULT_MAX_TOKENS = 256;

const OPTIONS = {
  model: { type: 'string' },
  prompt: { type: 'string' },
  'max-tokens': { type: 'string' },
  temperature: { type: 'string' },
  url: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const USAGE = `usage: llorch infer --model M --prompt P [--host HOST] [options]

Runs one generation on the rbees daemon and prints its tokens as they arrive, then
"N tokens, X tok/s, TTFT Y ms" on stderr. Ctrl-C cancels the job. With --host, it goes
straight to a worker on that pool host (started with \`llorch pool worker spawn\`) through
an SSH tunnel, without the daemon.
  --model ID           model id (required)
  --prompt TEXT        the prompt (required)
  --max-tokens N       at most this many tokens (default ${DEFAULT_MAX_TOKENS}, max ${LIMITS.maxTokens})
  --temperature T      sampling temperature, ${LIMITS.temperature.min}..${LIMITS.temperature.max} (default: the daemon's)
  --url URL            the daemon (default $RBEES_URL, else http://127.0.0.1:$RBEES_PORT,
                       port 8080 when unset); the token is $RBEES_TOKEN, else $RBEES_HOME/token
  --json               every event as one JSON line on stdout ({"type":"token",…})
  -h, --help           this help

with --host, ${CONNECTION_HELP.replace(/\n {2}--json[^\n]*\n {2}-h, --help[^\n]*$/, '')}`;

/** The daemon's URL, by the same environment names the daemon reads. */
export function daemonUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag) return flag;
  if (env.RBEES_URL) return env.RBEES_URL;
  const port = env.RBEES_PORT && env.RBEES_PORT !== '0' ? env.RBEES_PORT : '8080';
  return `http://127.0.0.1:${port}`;
}

export function parseInferArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): InferArgs {
  const direct = argv.some((arg) => arg === '--host' || arg.startsWith('--host='));
  let connection: ConnectionArgs | undefined;
  if (direct) {
    const split = splitConnectionArgs(argv, USAGE, env);
    connection = split.connection;
    // --json is both a connection flag and ours: keep it for the output.
    argv = connection.json ? [...split.rest, '--json'] : split.rest;
  }
  const { values, positionals: rest } = parseCommand(argv, OPTIONS, USAGE);
  positionals(rest, [], USAGE);
  if (!values.model) throw new UsageError('missing --model', USAGE);
  if (!values.prompt) throw new UsageError('missing --prompt', USAGE);
  const maxTokens = values['max-tokens'] ?? String(DEFAULT_MAX_TOKENS);
  if (!/^\d+$/.test(maxTokens) || Number(maxTokens) < 1 || Number(maxTokens) > LIMITS.maxTokens) {
    throw new UsageError(`--max-tokens "${maxTokens}" must be 1..${LIMITS.maxTokens}`, USAGE);
  }
  let temperature: number | undefined;
  if (values.temperature !== undefined) {
    temperature = Number(values.temperature);
    const { min, max } = LIMITS.temperature;
    if (values.temperature === '' || !(temperature >= min && temperature <= max)) {
      throw new UsageError(`--temperature "${values.temperature}" must be ${min}..${max}`, USAGE);
    }
  }
  const url = daemonUrl(values.url, env);
  try {
    new URL(url);
  } catch {
    throw new UsageError(`"${url}" is not a URL (--url, RBEES_URL)`, USAGE);
  }
  return {
    model: values.model,
    prompt: values.prompt,
    maxTokens: Number(maxTokens),
    url,
    json: values.json ?? false,
    ...(temperature !== undefined ? { temperature } : {}),
    ...(connection ? { connection } : {}),
  };
}

export const INFER_COMMAND: Command = {
  kind: 'command',
  name: 'infer',
  summary: 'run one generation on the rbees daemon and stream it',
  usage: USAGE,
  async run(ctx: RunContext): Promise<number> {
    const args = parseInferArgs(ctx.argv);
    const { runInfer } = await import('./infer-run');
    return runInfer(args, ctx.signal);
  },
};
