/**
 * The command tree and its help. Hand-written on node:util parseArgs rather than commander/yargs:
 * `--help` must start in well under 300 ms, and this file (with the specs) is all that `--help`
 * loads; each command's code is imported only when it runs.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** Exit codes of our own (remote commands pass theirs through). */
export const EXIT = { ok: 0, failure: 1, usage: 2, ssh: 255, interrupted: 130 } as const;

/** A bad command line: main prints it with the usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

/** What a running command gets: its argv (after the command words) and the abort signal. */
export interface RunContext {
  argv: string[];
  usage: string;
  signal: AbortSignal;
}

export interface Command {
  kind: 'command';
  name: string;
  summary: string;
  /** Full help text, starting with `usage: llorch …`. */
  usage: string;
  /** Resolves with the process exit code. */
  run(ctx: RunContext): Promise<number>;
}

export interface Group {
  kind: 'group';
  name: string;
  summary: string;
  children: (Command | Group)[];
}

export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const flags = end === -1 ? argv : argv.slice(0, end);
  return flags.includes('--help') || flags.includes('-h');
}

export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

export function groupHelp(path: string, group: Group): string {
  const width = Math.max(...group.children.map((child) => child.name.length)) + 2;
  const rows = group.children.map((child) => `  ${child.name.padEnd(width)}${child.summary}`);
  return [
    `usage: ${path} <command> [options]`,
    '',
    group.summary,
    '',
    'commands:',
    ...rows,
    '',
    `Run \`${path} <command> --help\` for a command's options.`,
  ].join('\n');
}

/** Walks the tree by the leading words of argv; returns the command or the help to print. */
export function route(
  root: Group,
  argv: string[],
): { command: Command; rest: string[] } | { help: string } {
  let node: Command | Group = root;
  let path = root.name;
  let rest = argv;
  while (node.kind === 'group') {
    const word = rest[0];
    if (word === undefined || word.startsWith('-')) {
      const help = groupHelp(path, node);
      if (wantsHelp(rest)) return { help };
      throw new UsageError(`missing command after "${path}"`, help);
    }
    const child: Command | Group | undefined = node.children.find((c) => c.name === word);
    if (child === undefined) {
      const names = node.children.map((c) => c.name).join(', ');
      throw new UsageError(
        `unknown command "${word}" after "${path}" (one of: ${names})`,
        groupHelp(path, node),
      );
    }
    node = child;
    path = `${path} ${word}`;
    rest = rest.slice(1);
  }
  if (wantsHelp(rest)) return { help: node.usage };
  return { command: node, rest };
}

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
