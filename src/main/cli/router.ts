/**
 * The command tree and its help. Hand-written on node:util parseArgs rather than commander/yargs:
 * `--help` must start in well under 300 ms, and this file (with the specs) is all that `--help`
 * loads; each command's code is imported only when it runs.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, type CommandNode, type GroupNode } from '../../shared/command-tree';

export { groupHelp, route, UsageError, wantsHelp, wantsJson } from '../../shared/command-tree';

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** Exit codes of our own (remote commands pass theirs through). */
export const EXIT = { ok: 0, failure: 1, usage: 2, ssh: 255, interrupted: 130 } as const;

/** What a running command gets: its argv (after the command words) and the abort signal. */
export interface RunContext {
  argv: string[];
  usage: string;
  signal: AbortSignal;
}

/** Resolves with the process exit code. */
type Run = (ctx: RunContext) => Promise<number>;
export type Command = CommandNode<Run>;
export type Group = GroupNode<Run>;

/** parseArgs, strict, its errors turned into UsageError with `usage`. */
export function parseCommand<const O extends OptionsConfig>(
  argv: string[],
  options: O,
  usage: string,
) {
  try {
    return parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: true }>({
      args: argv,
      options,
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    // node:util's messages already name the flag ("Unknown option '--prot'"); keep them.
    throw new UsageError(err instanceof Error ? err.message : String(err), usage);
  }
}

/** Parses a whole-number flag; `undefined` stays undefined. */
export function intOption(
  flag: string,
  raw: string | undefined,
  min: number,
  max: number,
  usage: string,
): number | undefined {
  if (raw === undefined) return undefined;
  // Number('') is 0 and Number('1e3') is 1000: accept plain decimal digits only.
  if (!/^\d+$/.test(raw)) throw new UsageError(`${flag} "${raw}" is not a whole number`, usage);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new UsageError(`${flag} ${raw} is out of range (${min}..${max})`, usage);
  }
  return value;
}

/** Exactly `names.length` positionals, named in the message when missing or extra. */
export function positionals(values: string[], names: string[], usage: string): string[] {
  if (values.length < names.length) {
    throw new UsageError(`missing ${names.slice(values.length).join(' ')}`, usage);
  }
  if (values.length > names.length) {
    throw new UsageError(`unexpected argument "${values[names.length]}"`, usage);
  }
  return values;
}
