/**
 * commander, set up the way both rbees CLIs (`rbees-ctl`, `rbees-pool`) use it: help generated
 * from the option specs on every level, mistakes as `UsageError`s worded like the rest of rbees
 * (the flag, the value and the fix), and nothing written or exited by commander itself: `runCli`
 * decides what reaches stdout, so the same tree serves a terminal and `rbees-pool serve`.
 */
import { Command, type Option, type OptionValues } from 'commander';

/** A bad command line: the CLI prints it with the command's help and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  /** The command the mistake is in (`parseCli` sets it), for its help. */
  about: CliCommand | undefined;
  readonly #usage: string | undefined;

  constructor(message: string, usage?: string) {
    super(message);
    this.#usage = usage;
  }

  /** The help to print with the message (made only when asked: `serve` never prints it). */
  get usage(): string {
    return this.#usage ?? this.about?.helpText() ?? '';
  }
}

/** `--help` was asked for: the text to print instead of running anything. */
export class HelpRequested extends Error {
  override name = 'HelpRequested';
  constructor(readonly text: string) {
    super('help requested');
  }
}

/** `--model <ID>` is shown as `--model ID`, as rbees' messages and docs write it. */
function optionTerm(option: Option): string {
  return option.flags.replace(/<([^>]+)>/g, '$1');
}

export class CliCommand extends Command {
  #footer: string | undefined;
  /** The deepest command that this parse reached: the one a mistake is reported against. */
  #reached: CliCommand = this;
  #code = 0;
  #ownUsage = false;
  #allowUnknown = false;
  #allowExcess = false;

  constructor(name?: string) {
    super(name);
    // Set on every command, not inherited: subcommands built apart and added keep them too.
    this.exitOverride();
    this.helpCommand(false);
    this.helpOption('-h, --help', 'this help');
    this.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
    this.configureHelp({
      showGlobalOptions: true,
      styleTitle: (title) => title.toLowerCase(),
      optionTerm,
      // A group says in its own help what its parent lists it as.
      commandDescription: (cmd) => cmd.description() || cmd.summary(),
      subcommandTerm: (cmd) =>
        [
          cmd.name(),
          ...cmd.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`)),
        ].join(' '),
    });
  }

  override createCommand(name?: string): CliCommand {
    return new CliCommand(name);
  }

  /**
   * The command's action. `args` are its arguments (after their parsers), `options` its own and
   * its ancestors' options (`--json` is the program's); it resolves to the exit code (none: 0).
   */
  runs<O extends OptionValues = OptionValues>(
    handler: (args: string[], options: O, cmd: this) => Promise<number | void>,
  ): this {
    return this.action(async () => {
      const code = await handler(this.processedArgs as string[], this.optsWithGlobals<O>(), this);
      this.root().#code = code ?? 0;
    });
  }

  /** The exit code the last command run resolved to. */
  exitCodeOfRun(): number {
    return this.root().#code;
  }

  override allowUnknownOption(allow = true): this {
    this.#allowUnknown = allow;
    return super.allowUnknownOption(allow);
  }

  override allowExcessArguments(allow = true): this {
    this.#allowExcess = allow;
    return super.allowExcessArguments(allow);
  }

  /** A group's usage reads `<command> [options]` unless it was set. */
  override usage(str: string): this;
  override usage(): string;
  override usage(str?: string): this | string {
    if (str !== undefined) {
      this.#ownUsage = true;
      return super.usage(str);
    }
    return this.commands.length > 0 && !this.#ownUsage ? '<command> [options]' : super.usage();
  }

  /** Text printed after the generated help. */
  helpFooter(text: string): this {
    this.#footer = text;
    return this;
  }

  /** The whole help of this command, as `--help` prints it. */
  helpText(): string {
    const generated = this.helpInformation().trimEnd();
    return this.#footer === undefined ? generated : `${generated}\n\n${this.#footer}`;
  }

  /** The command words from the program's name down: `rbees-pool worker spawn`. */
  path(): string {
    return this.parent ? `${(this.parent as CliCommand).path()} ${this.name()}` : this.name();
  }

  /**
   * The words after this command's name as they were given, less what an ancestor took (the
   * program's `--json`): commander hands a subcommand its parent's `args` after the name.
   */
  givenArgs(): string[] {
    return this.parent ? this.parent.args.slice(1) : [...this.args];
  }

  /** The program this command belongs to. */
  root(): CliCommand {
    return this.parent instanceof CliCommand ? this.parent.root() : this;
  }

  /** The command a mistake in the last parse is about (see `runCli`). */
  reached(): CliCommand {
    return this.#reached;
  }

  override parseOptions(argv: string[]): ReturnType<Command['parseOptions']> {
    this.root().#reached = this;
    return super.parseOptions(argv);
  }

  // What follows replaces commander's messages and exits with ours (all reach `runCli`).

  override outputHelp(): void {
    throw new HelpRequested(this.helpText());
  }

  /** commander calls this for a group given no command. */
  override help(): never {
    throw new UsageError(`missing command after "${this.path()}"`);
  }

  unknownCommand(): never {
    const names = this.commands.map((c) => c.name()).join(', ');
    throw new UsageError(
      `unknown command "${this.args[0]}" after "${this.path()}" (one of: ${names})`,
    );
  }

  unknownOption(flag: string): void {
    if (this.#allowUnknown) return;
    throw new UsageError(`Unknown option '${flag}' (\`${this.path()} --help\` lists the options)`);
  }

  missingArgument(name: string): never {
    throw new UsageError(`missing <${name}>`);
  }

  optionMissingArgument(option: Option): never {
    throw new UsageError(`${option.long ?? option.short} needs a value`);
  }

  missingMandatoryOptionValue(option: Option): never {
    throw new UsageError(`missing ${option.long ?? option.short}`);
  }

  _excessArguments(received: string[]): void {
    if (this.#allowExcess) return;
    throw new UsageError(`unexpected argument "${received[this.registeredArguments.length]}"`);
  }
}
