/**
 * `llorch pool …`: each command runs the same-named `rbees-pool` command on a host over SSH. The
 * options the agent takes are declared here so that mistakes fail before connecting; the code that
 * connects is imported only when a command runs.
 */
import { Argument, Option } from 'commander';
import { CliCommand, UsageError } from '../../node/cli/cli-command';
import { idValue, intOption } from '../../node/cli/options';
import { MODEL_ID, WORKER_ID } from '../../shared/ids';
import type { IdRule } from '../../shared/ids';
import {
  connectionOf,
  withConnectionOptions,
  withoutConnectionArgs,
  type ConnectionOptions,
} from './connection-args';
import type { CtlContext } from './context';

/** One option forwarded to the agent as the user wrote it. */
interface Forwarded {
  name: string;
  short?: string;
  /** Shown in help (`--gpu N`); absent for a boolean flag. */
  value?: string;
  help: string;
  /** Whole-number bounds, checked here. */
  int?: [number, number];
  required?: boolean;
}

interface PoolSpec {
  /** The agent's command words: `['worker', 'spawn']`. */
  words: string[];
  summary: string;
  description: string;
  args: string[];
  options: Forwarded[];
  /** What each argument is, for help. */
  argHelp?: Record<string, string>;
  /** Forward unknown options too: the agent command is newer than this table. */
  open?: boolean;
  /** The agent's rule for a positional (`<id>`) or an option's value (`model`), checked here. */
  ids?: Record<string, IdRule>;
}

const N = 2 ** 31 - 1;
const SPECS: PoolSpec[] = [
  {
    words: ['status'],
    summary: 'host, GPUs, models and workers',
    description: 'Shows the host, its GPUs (with free VRAM), its models and its workers.',
    args: [],
    options: [],
  },
  {
    words: ['models', 'list'],
    summary: 'models on the host',
    description: "Lists the models in the host's $RBEES_HOME/models with their GGUF facts.",
    args: [],
    options: [],
  },
  {
    words: ['models', 'rm'],
    summary: 'delete a model file (not while a worker uses it)',
    description: 'Deletes a model from the host.',
    args: ['<id>'],
    options: [],
    ids: { '<id>': MODEL_ID },
  },
  {
    words: ['models', 'verify'],
    summary: "compute a model's SHA-256 and check it",
    description: "Computes the model file's SHA-256 on the host and checks it.",
    args: ['<id>'],
    options: [],
    ids: { '<id>': MODEL_ID },
  },
  {
    words: ['models', 'download'],
    summary: 'download a model to the host',
    description:
      'Downloads a model reference (alias, hf:org/repo@rev::file=NAME.gguf) on the host. ' +
      'Options after the reference go to the agent as they are (see `rbees-pool models download --help`).',
    args: ['<ref>'],
    argHelp: { '<ref>': 'tinyllama | hf:org/repo[@rev]::file=NAME.gguf | org/repo[@rev]:QUANT' },
    options: [],
    open: true,
  },
  {
    words: ['worker', 'spawn'],
    summary: 'start a worker for a model and wait until it serves',
    description:
      'Starts rbees-workerd on the host (127.0.0.1 there) and waits until it serves. ' +
      '<backend>: auto | cpu | cuda | metal | vulkan.',
    args: ['<backend>'],
    options: [
      { name: 'model', value: 'ID', help: 'model id on the host (required)', required: true },
      { name: 'gpu', value: 'N', help: 'GPU index (cuda, vulkan)', int: [0, 1024] },
      { name: 'port', value: 'N', help: 'port on the host (default: any free)', int: [0, 65535] },
      { name: 'slots', value: 'N', help: 'parallel generations (default 1)', int: [1, 1024] },
      { name: 'threads', value: 'N', help: 'CPU threads', int: [1, 4096] },
      { name: 'ctx', value: 'N', help: 'context tokens per slot', int: [1, N] },
      { name: 'id', value: 'NAME', help: 'worker id (default: <model>-<random>)' },
      { name: 'timeout', value: 'SECONDS', help: 'wait for ready (default 300)', int: [1, N] },
    ],
    ids: { model: MODEL_ID, id: WORKER_ID },
  },
  {
    words: ['worker', 'list'],
    summary: 'running workers and their health',
    description: 'Lists the workers on the host and their health.',
    args: [],
    options: [],
  },
  {
    words: ['worker', 'stop'],
    summary: 'stop a worker (idempotent)',
    description: 'Stops a worker on the host; stopping a stopped one is not an error.',
    args: ['<id>'],
    options: [],
    ids: { '<id>': WORKER_ID },
  },
  {
    words: ['worker', 'logs'],
    summary: "print (or follow) a worker's log",
    description: "Prints the end of a worker's log; Ctrl-C stops following.",
    args: ['<id>'],
    options: [
      { name: 'follow', short: 'f', help: 'keep printing appended lines' },
      {
        name: 'lines',
        short: 'n',
        value: 'N',
        help: 'lines of the end to print first',
        int: [0, N],
      },
    ],
    ids: { '<id>': WORKER_ID },
  },
  {
    words: ['git', 'pull'],
    summary: "update the host's agent checkout",
    description: "Updates the agent's git checkout on the host (`git pull`).",
    args: [],
    options: [],
  },
];

/** `-f, --follow` or `--gpu <N>`, with the checks the agent makes on the host. */
function forwardedOption(o: Forwarded, rule: IdRule | undefined): Option {
  const flags = `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.value ? ` <${o.value}>` : ''}`;
  const option = o.int ? intOption(flags, o.help, ...o.int) : new Option(flags, o.help);
  if (rule) option.argParser(idValue(`--${o.name}`, rule));
  return o.required ? option.makeOptionMandatory() : option;
}

function usageOf(spec: PoolSpec): string {
  const required = spec.options
    .filter((o) => o.required)
    .map((o) => `--${o.name} ${o.value ?? ''}`);
  const optional = spec.options.length > required.length || spec.open;
  return [...spec.args, '--host HOST', ...required, ...(optional ? ['[options]'] : [])].join(' ');
}

function command(spec: PoolSpec, ctx: CtlContext): CliCommand {
  const cmd = new CliCommand(spec.words.at(-1))
    .summary(spec.summary)
    .usage(usageOf(spec))
    .description(
      `${spec.description} Runs \`rbees-pool ${spec.words.join(' ')}\` on the host over SSH; exits with its exit code.`,
    );
  for (const name of spec.args) {
    const rule = spec.ids?.[name];
    const argument = new Argument(name, spec.argHelp?.[name] ?? '');
    cmd.addArgument(rule ? argument.argParser(idValue(name, rule)) : argument);
  }
  for (const o of spec.options) cmd.addOption(forwardedOption(o, spec.ids?.[o.name]));
  if (spec.open) {
    cmd.argument('[agent-options...]', 'passed on to the agent as they are').allowUnknownOption();
  }
  return withConnectionOptions(cmd).runs<ConnectionOptions>(async (_args, options) => {
    const connection = connectionOf(options, ctx.env);
    if (spec.open && !cmd.args.some((arg) => !arg.startsWith('-'))) {
      throw new UsageError(`missing ${spec.args.join(' ')}`);
    }
    // Forwarded as written (checked above): an open command's flags are the agent's to read.
    const argv = [...spec.words, ...withoutConnectionArgs(cmd)];
    const run = ctx.runPool ?? (async (...a) => (await import('./pool-run')).runPoolCommand(...a));
    return run(connection, connection.json ? [...argv, '--json'] : argv, ctx.signal);
  });
}

function group(name: string, summary: string, ctx: CtlContext): CliCommand {
  const cmd = new CliCommand(name).summary(summary);
  for (const spec of SPECS.filter((s) => s.words.length === 2 && s.words[0] === name)) {
    cmd.addCommand(command(spec, ctx));
  }
  return cmd;
}

/** `llorch pool` and the agent commands under it. */
export function poolCommand(ctx: CtlContext): CliCommand {
  const pool = new CliCommand('pool').summary(
    'control a pool host over SSH (runs rbees-pool there)',
  );
  for (const spec of SPECS.filter((s) => s.words.length === 1)) pool.addCommand(command(spec, ctx));
  return pool
    .addCommand(group('models', 'models on the host: list, rm, verify, download', ctx))
    .addCommand(group('worker', 'inference workers on the host: spawn, list, stop, logs', ctx))
    .addCommand(group('git', "the host's agent checkout: pull", ctx));
}

export { SPECS as POOL_SPECS };
