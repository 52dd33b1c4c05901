import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RbeesError } from '../../shared/errors';
import type { Metrics } from '../../shared/inference';
import { Client } from '../../shared/sdk/client';
import { rbeesHome } from './host-target';
import { EXIT } from '../../node/cli/run-cli';
import type { ConnectionArgs } from './connection-args';
import { reportError, write } from './output';
import { hostKeyHint } from './pool-run';

/** A checked `llorch infer` command line. */
export interface InferArgs {
  model: string;
  prompt: string;
  maxTokens: number;
  temperature?: number;
  url: string;
  json: boolean;
  /** `--host`: straight to a worker on that pool host, over SSH, instead of the daemon. */
  connection?: ConnectionArgs;
}

/** $RBEES_TOKEN, else the daemon's token file; undefined when neither exists. */
export async function daemonToken(
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  if (env.RBEES_TOKEN) return env.RBEES_TOKEN;
  const token = await readFile(join(rbeesHome(env), 'token'), 'utf8').catch(() => '');
  return token.trim() || undefined;
}

/** `N tokens, X tok/s, TTFT Y ms`: the daemon's metrics, else what this side measured. */
export function summary(
  metrics: Metrics | null,
  tokens: number,
  firstMs: number | null,
  totalMs: number,
): string {
  const n = metrics?.tokens_out ?? tokens;
  const rate = metrics?.tokens_per_sec ?? (totalMs > 0 ? (n * 1000) / totalMs : 0);
  const ttft = metrics ? metrics.time_to_first_token_ms : firstMs;
  return `${n} tokens, ${rate.toFixed(1)} tok/s, TTFT ${ttft === null ? '-' : Math.round(ttft)} ms`;
}

export async function runInfer(args: InferArgs, signal: AbortSignal): Promise<number> {
  const token = await daemonToken();
  const client = new Client(args.url, token ? { token } : {});
  const started = performance.now();
  let firstMs: number | null = null;
  let tokens = 0;
  let metrics: Metrics | null = null;
  // A newline after the text only on a terminal: piped output stays exactly what the model said.
  const tty = process.stdout.isTTY === true;
  let endedLine = true;
  try {
    const request = {
      model: args.model,
      prompt: args.prompt,
      max_tokens: args.maxTokens,
      ...(args.temperature !== undefined ? { temperature: args.temperature } : {}),
    };
    const stream = args.connection
      ? (await import('./infer-direct')).inferOnHost(args.connection, request, signal)
      : client.enqueueStream(request, { signal });
    for await (const event of stream) {
      if (args.json) await write(process.stdout, `${JSON.stringify(event)}\n`);
      if (event.type === 'token') {
        firstMs ??= performance.now() - started;
        tokens++;
        if (!args.json) await write(process.stdout, event.data.t);
        endedLine = !tty || event.data.t.endsWith('\n');
      } else if (event.type === 'metrics') {
        metrics = event.data;
      } else if (event.type === 'error') {
        if (!endedLine && !args.json) process.stdout.write('\n');
        process.stderr.write(`llorch: ${args.model}: ${event.data.message}\n`);
        return EXIT.failure;
      }
    }
    if (!endedLine && !args.json) await write(process.stdout, '\n');
    process.stderr.write(`${summary(metrics, tokens, firstMs, performance.now() - started)}\n`);
    return EXIT.ok;
  } catch (err) {
    if (!endedLine && !args.json) process.stdout.write('\n');
    // The SDK cancelled the job on the daemon before this rethrow (enqueueStream's finally).
    if (signal.aborted) return EXIT.interrupted;
    const hint = args.connection
      ? hostKeyHint(err)
      : err instanceof RbeesError && err.code === 'UNAUTHORIZED'
        ? 'llorch: set RBEES_TOKEN, or RBEES_HOME to the daemon\'s home (its "token" file)'
        : undefined;
    return reportError(err, args.json, hint);
  }
}
