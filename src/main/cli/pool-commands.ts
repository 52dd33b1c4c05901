/**
 * `llorch pool …`: each command runs the same-named `rbees-pool` command on a host over SSH. The
 * options the agent takes are declared here so that mistakes fail before connecting; the code that
 * connects is imported only when a command runs.
 */
import { idProblem, MODEL_ID, WORKER_ID } from '../../shared/ids';
import type { IdRule } from '../../shared/ids';
import { CONNECTION_HELP, splitConnectionArgs } from './connection-args';
import type { ConnectionArgs } from './connection-args';
import { intOption, parseCommand, positionals, UsageError } from './router';
import type { Command, Group, OptionsConfig, RunContext } from './router';

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
      'Downloads a model reference (alias, hf:org/repo@rev::file=NAME.gguf) on the host.\n' +
      'Options after the reference go to the agent as they are (see `rbees-pool models download --help`).',
    args: ['<ref>'],
    options: [],
    open: true,
  },
  {
    words: ['worker', 'spawn'],
    summary: 'start a worker for a model and wait until it serves',
    description:
      'Starts rbees-workerd on the host (127.0.0.1 there) and waits until it serves.\n' +
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

function optionHelp(o: Forwarded): string {
  const flag = `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.value ? ` ${o.value}` : ''}`;
  return `  ${flag.padEnd(23)}  ${o.help}`;
}

function usageOf(spec: PoolSpec): string {
  const path = `llorch pool ${spec.words.join(' ')}`;
  const required = spec.options
    .filter((o) => o.required)
    .map((o) => `--${o.name} ${o.value ?? ''}`);
  const head = [path, ...spec.args, '--host HOST', ...required].join(' ');
  const lines = [
    `usage: ${head}${spec.options.length > required.length || spec.open ? ' [options]' : ''}`,
    '',
    spec.description,
    `Runs \`rbees-pool ${spec.words.join(' ')}\` on the host over SSH; exits with its exit code.`,
  ];
  if (spec.options.length > 0) lines.push('', 'options:', ...spec.options.map(optionHelp));
  return [...lines, '', CONNECTION_HELP].join('\n');
}

/** Checks the forwarded part of the command line; returns the agent's argv. */
export function agentArgv(spec: PoolSpec, rest: string[], json: boolean, usage: string): string[] {
  if (spec.open) {
    if (!rest.some((arg) => !arg.startsWith('-'))) throw new UsageError('missing <ref>', usage);
  } else {
    const config: OptionsConfig = {};
    for (const o of spec.options) {
      config[o.name] = {
        type: o.value ? 'string' : 'boolean',
        ...(o.short ? { short: o.short } : {}),
      };
    }
    const parsed = parseCommand(rest, config, usage);
    const given = positionals(parsed.positionals, spec.args, usage);
    for (const o of spec.options) {
      const value = parsed.values[o.name];
      if (o.required && value === undefined) throw new UsageError(`missing --${o.name}`, usage);
      if (o.int && typeof value === 'string') intOption(`--${o.name}`, value, ...o.int, usage);
    }
    // Refused here, before connecting: the same rules the agent applies on the host.
    for (const [name, rule] of Object.entries(spec.ids ?? {})) {
      const at = spec.args.indexOf(name);
      const value = at >= 0 ? given[at] : parsed.values[name];
      if (typeof value === 'string' && !rule.pattern.test(value)) {
        throw new UsageError(`${at >= 0 ? name : `--${name}`} ${idProblem(rule, value)}`, usage);
      }
    }
  }
  return [...spec.words, ...rest, ...(json ? ['--json'] : [])];
}

function command(spec: PoolSpec): Command {
  const usage = usageOf(spec);
  return {
    kind: 'command',
    name: spec.words.at(-1) ?? '',
    summary: spec.summary,
    usage,
    async run(ctx: RunContext): Promise<number> {
      const { connection, rest } = splitConnectionArgs(ctx.argv, usage);
      const argv = agentArgv(spec, rest, connection.json, usage);
      const { runPoolCommand } = await import('./pool-run');
      return runPoolCommand(connection satisfies ConnectionArgs, argv, ctx.signal);
    },
  };
}

function group(name: string, summary: string, words: string): Group {
  return {
    kind: 'group',
    name,
    summary,
    children: SPECS.filter((s) => s.words.length === 2 && s.words[0] === words).map(command),
  };
}

export const POOL_GROUP: Group = {
  kind: 'group',
  name: 'pool',
  summary: 'control a pool host over SSH (runs rbees-pool there)',
  children: [
    ...SPECS.filter((s) => s.words.length === 1).map(command),
    group('models', 'models on the host: list, rm, verify, download', 'models'),
    group('worker', 'inference workers on the host: spawn, list, stop, logs', 'worker'),
    group('git', "the host's agent checkout: pull", 'git'),
  ],
};

export { SPECS as POOL_SPECS };
