/**
 * `llorch infer`: its options and their checks. The generation itself (infer-run.ts) is imported
 * when the command runs, so `--help` loads none of it.
 */
import { Option } from 'commander';
import { CliCommand, UsageError } from '../../node/cli/cli-command';
import { intOption } from '../../node/cli/options';
import { LIMITS } from '../../shared/limits';
import { connectionOf, withConnectionOptions, type ConnectionOptions } from './connection-args';
import type { CtlContext } from './context';
import type { InferArgs } from './infer-run';

export const DEFAULT_MAX_TOKENS = 256;

/** The daemon's URL, by the same environment names the daemon reads. */
export function daemonUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag) return flag;
  if (env.RBEES_URL) return env.RBEES_URL;
  const port = env.RBEES_PORT && env.RBEES_PORT !== '0' ? env.RBEES_PORT : '8080';
  return `http://127.0.0.1:${port}`;
}

interface InferOptions extends ConnectionOptions {
  model: string;
  prompt: string;
  maxTokens?: number;
  temperature?: number;
  url?: string;
}

function temperature(raw: string): number {
  const value = Number(raw);
  const { min, max } = LIMITS.temperature;
  if (raw === '' || !(value >= min && value <= max)) {
    throw new UsageError(`--temperature "${raw}" must be ${min}..${max}`);
  }
  return value;
}

/** The parsed options, checked and completed from the environment. */
export function inferArgs(options: InferOptions, env: NodeJS.ProcessEnv): InferArgs {
  if (options.model === '') throw new UsageError('missing --model');
  if (options.prompt === '') throw new UsageError('missing --prompt');
  if (options.host === undefined) {
    const flags = {
      identity: '--identity',
      agentDir: '--agent-dir',
      trustHostKey: '--trust-host-key',
      knownHosts: '--known-hosts',
    } as const;
    for (const [key, flag] of Object.entries(flags)) {
      if (options[key as keyof typeof flags] !== undefined)
        throw new UsageError(`${flag} goes with --host`);
    }
  }
  const url = daemonUrl(options.url, env);
  try {
    new URL(url);
  } catch {
    throw new UsageError(`"${url}" is not a URL (--url, RBEES_URL)`);
  }
  return {
    model: options.model,
    prompt: options.prompt,
    maxTokens: options.maxTokens ?? DEFAULT_MAX_TOKENS,
    url,
    json: options.json === true,
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(options.host !== undefined ? { connection: connectionOf(options, env) } : {}),
  };
}

export function inferCommand(ctx: CtlContext): CliCommand {
  const { min, max } = LIMITS.temperature;
  const cmd = new CliCommand('infer')
    .summary('run one generation on the rbees daemon and stream it')
    .usage('--model M --prompt P [--host HOST] [options]')
    .description(
      'Runs one generation on the rbees daemon and prints its tokens as they arrive, then ' +
        '"N tokens, X tok/s, TTFT Y ms" on stderr. Ctrl-C cancels the job. With --host, it goes ' +
        'straight to a worker on that pool host (started with `llorch pool worker spawn`) through ' +
        'an SSH tunnel, without the daemon.',
    )
    .requiredOption('--model <ID>', 'model id (required)')
    .requiredOption('--prompt <TEXT>', 'the prompt (required)')
    .addOption(
      intOption(
        '--max-tokens <N>',
        `at most this many tokens (default ${DEFAULT_MAX_TOKENS}; the room left in the context caps it)`,
        1,
        LIMITS.maxTokens,
      ),
    )
    .addOption(
      new Option(
        '--temperature <T>',
        `sampling temperature, ${min}..${max} (default: the daemon's)`,
      ).argParser(temperature),
    )
    .option(
      '--url <URL>',
      'the daemon (default $RBEES_URL, else http://127.0.0.1:$RBEES_PORT, port 8080 when unset); ' +
        'the token is $RBEES_TOKEN, else $RBEES_HOME/token',
    );
  return withConnectionOptions(
    cmd,
    'with --host (straight to a worker on that host):',
  ).runs<InferOptions>(async (_args, options) => {
    const args = inferArgs(options, ctx.env);
    const run =
      ctx.runInfer ?? (async (a, signal) => (await import('./infer-run')).runInfer(a, signal));
    return run(args, ctx.signal);
  });
}
