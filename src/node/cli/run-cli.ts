/**
 * Running a command line with a `CliCommand` tree, the one way both rbees CLIs do it: help on
 * stdout (exit 0), a mistake in the command line on stderr with the command's help (exit 2), any
 * other failure as `<program>: <message>` (exit 1); with --json each failure also ends stdout
 * with `{"event":"error",…}`, the line every rbees JSON stream ends with when it fails.
 */
import { CommanderError } from 'commander';
import { toErrorBody, type ErrorCode } from '../../shared/errors';
import type { CliCommand } from './cli-command';
import { HelpRequested, UsageError } from './cli-command';

/** Where a CLI writes; injectable for tests and for `serve`. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export type CliOutcome =
  | { kind: 'help'; text: string }
  | { kind: 'usage'; error: UsageError }
  | { kind: 'ran'; code: number; command: CliCommand };

/** Exit codes of our own (remote commands pass theirs through). */
export const EXIT = { ok: 0, failure: 1, usage: 2, ssh: 255, interrupted: 130 } as const;

/**
 * Parses argv with `program` and runs the command it names. A mistake in argv (or a UsageError
 * thrown by the command) comes back as `usage`, with the help of the command it is about; any
 * other error is the command's and is thrown.
 */
export async function parseCli(program: CliCommand, argv: readonly string[]): Promise<CliOutcome> {
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return { kind: 'ran', code: program.exitCodeOfRun(), command: program.reached() };
  } catch (err) {
    if (err instanceof HelpRequested) return { kind: 'help', text: err.text };
    let usage: UsageError;
    if (err instanceof UsageError) usage = err;
    // What commander still words itself (an option's choices, conflicts): keep its message.
    else if (err instanceof CommanderError)
      usage = new UsageError(err.message.replace(/^error: /, ''));
    else throw err;
    usage.about ??= program.reached();
    return { kind: 'usage', error: usage };
  }
}

/** The `{"event":"error",…}` line for a failure. */
export function errorLine(err: unknown): {
  event: 'error';
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
} {
  if (err instanceof UsageError)
    return { event: 'error', code: 'BAD_REQUEST', message: err.message };
  const body = toErrorBody(err);
  return {
    event: 'error',
    code: body.code,
    message: body.message,
    ...(body.details ? { details: body.details } : {}),
  };
}

/** A whole command line, as a program runs it; resolves to the exit code. */
export async function runCli(
  name: string,
  program: CliCommand,
  argv: readonly string[],
  io: CliIo,
  json: boolean,
): Promise<number> {
  const fail = (err: unknown, text: string, code: number): number => {
    io.stderr.write(text);
    if (json) io.stdout.write(`${JSON.stringify(errorLine(err))}\n`);
    return code;
  };
  try {
    const outcome = await parseCli(program, argv);
    switch (outcome.kind) {
      case 'help':
        io.stdout.write(`${outcome.text}\n`);
        return EXIT.ok;
      case 'usage': {
        const { error } = outcome;
        return fail(error, `${name}: ${error.message}\n\n${error.usage}\n`, EXIT.usage);
      }
      case 'ran':
        return outcome.code;
    }
  } catch (err) {
    return fail(err, `${name}: ${toErrorBody(err).message}\n`, EXIT.failure);
  }
}

/** Exits once stdout has taken everything (it may be an asynchronous pipe). */
export function exitWhenFlushed(code: number): void {
  process.stdout.write('', () => process.exit(code));
}
