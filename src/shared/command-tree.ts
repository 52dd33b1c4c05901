/**
 * A command line's tree of commands and its help, shared by the agent (`rbees-pool`) and the
 * operator CLI (`rbees-ctl`). Pure TypeScript: each CLI parses its flags with node:util itself.
 * `Run` is the CLI's own signature for running a command.
 */

/** A bad command line: the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

export interface CommandNode<Run> {
  kind: 'command';
  name: string;
  summary: string;
  /** Full help text, starting with `usage: …`. */
  usage: string;
  run: Run;
}

export interface GroupNode<Run> {
  kind: 'group';
  name: string;
  summary: string;
  children: (CommandNode<Run> | GroupNode<Run>)[];
}

/** Flags before a `--` only: what follows belongs to someone else. */
function ownFlags(argv: readonly string[]): readonly string[] {
  const end = argv.indexOf('--');
  return end === -1 ? argv : argv.slice(0, end);
}

export function wantsHelp(argv: readonly string[]): boolean {
  const flags = ownFlags(argv);
  return flags.includes('--help') || flags.includes('-h');
}

export function wantsJson(argv: readonly string[]): boolean {
  return ownFlags(argv).includes('--json');
}

/** A group's help: its commands with their summaries, then `footer` if given. */
export function groupHelp<Run>(path: string, group: GroupNode<Run>, footer?: string): string {
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
    `Run \`${path} <command> --help\` for a command's options.${footer ? ` ${footer}` : ''}`,
  ].join('\n');
}

/** Walks the tree by the leading words of argv; returns the command or the help to print. */
export function route<Run>(
  root: GroupNode<Run>,
  argv: string[],
  footer?: string,
): { command: CommandNode<Run>; rest: string[] } | { help: string } {
  let node: CommandNode<Run> | GroupNode<Run> = root;
  let path = root.name;
  let rest = argv;
  while (node.kind === 'group') {
    const word = rest[0];
    if (word === undefined || word.startsWith('-')) {
      const help = groupHelp(path, node, footer);
      if (wantsHelp(rest)) return { help };
      throw new UsageError(`missing command after "${path}"`, help);
    }
    const child: CommandNode<Run> | GroupNode<Run> | undefined = node.children.find(
      (c) => c.name === word,
    );
    if (child === undefined) {
      const names = node.children.map((c) => c.name).join(', ');
      throw new UsageError(
        `unknown command "${word}" after "${path}" (one of: ${names})`,
        groupHelp(path, node, footer),
      );
    }
    node = child;
    path = `${path} ${word}`;
    rest = rest.slice(1);
  }
  if (wantsHelp(rest)) return { help: node.usage };
  return { command: node, rest };
}
