/**
 * A small hand router rather than commander/yargs: the agent runs once per daemon request over
 * SSH, so start time matters (node:util parseArgs costs nothing to load), and every command's
 * modules are imported only when that command runs.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, type CommandNode, type GroupNode } from '../../../shared/command-tree';
import type { Output } from './output';

export { route, UsageError, wantsHelp, wantsJson } from '../../../shared/command-tree';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/**
 * Runs the command; errors are thrown. A command that writes its own result and error lines
 * (the downloader) resolves to its exit code instead.
 */
type Run = (argv: string[], out: Output) => Promise<void | number>;
export type Command = CommandNode<Run>;
export type Group = GroupNode<Run>;

/** The last line of every group's help. */
export const HELP_FOOTER =
  'With --json every command prints\none JSON object per line and ends with its result line or {"event":"error",…}.';

/** Flags every command accepts. */
export const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionsConfig;

export const COMMON_HELP = `  --json             one JSON object per line on stdout
  -h, --help         this help`;

/** parseArgs with the common flags, its errors turned into UsageError with `usage`. */
export function parseCommand<const O extends OptionsConfig>(
  argv: string[],
  options: O,
  usage: string,
) {
  try {
    return parseArgs<{
      args: string[];
      options: typeof COMMON_OPTIONS & O;
      strict: true;
      allowPositionals: true;
    }>({
      args: argv,
      options: { ...COMMON_OPTIONS, ...options },
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

/** Exactly `count` positionals, named in the message when missing or extra. */
export function positionals(values: string[], names: string[], usage: string): string[] {
  if (values.length < names.length) {
    throw new UsageError(`missing ${names.slice(values.length).join(' ')}`, usage);
  }
  if (values.length > names.length) {
    throw new UsageError(`unexpected argument "${values[names.length]}"`, usage);
  }
  return values;
}
