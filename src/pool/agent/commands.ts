/** The command tree. Each command imports its implementation when it runs, not before. */
import {
  COMMON_HELP,
  parseCommand,
  positionals,
  UsageError,
  type Command,
  type Group,
} from './cli/cli';
import { MODELS } from './models/models-command';
import { WORKER } from './workers/worker-command';

const STATUS_USAGE = `usage: rbees-pool status [--json]

This host: OS, CPU, RAM, free disk where models live, GPUs (nvidia-smi, rocm-smi, or
system_profiler on macOS; read-only, nothing is allocated on a GPU), models and workers.
${COMMON_HELP}`;

const UPDATE_USAGE = `usage: rbees-pool git pull [--json]     (or: rbees-pool self-update)

When the agent is a git checkout, runs \`git pull --ff-only\` there and relays its output.
Otherwise it fails: such installs are updated by \`rbees-ctl pool install\`.
${COMMON_HELP}`;

const status: Command = {
  kind: 'command',
  name: 'status',
  summary: 'host, GPUs, models and workers',
  usage: STATUS_USAGE,
  async run(argv, out) {
    positionals(parseCommand(argv, {}, STATUS_USAGE).positionals, [], STATUS_USAGE);
    const [{ hostStatus }, { formatStatus }] = await Promise.all([
      import('./status/host-status'),
      import('./status/status-format'),
    ]);
    const report = await hostStatus();
    out.emit({ event: 'status', ...report }, formatStatus(report));
  },
};

const SERVE_USAGE = `usage: rbees-pool serve --stdio

For the daemon: answers requests for short read-only commands (status, models list, worker
list) as JSON lines on stdin/stdout, one process per SSH session, until stdin ends.
  --stdio            the only transport: JSON lines on stdin, answers on stdout
${COMMON_HELP}`;

const serve: Command = {
  kind: 'command',
  name: 'serve',
  summary: "answer the daemon's read-only requests over stdin/stdout",
  usage: SERVE_USAGE,
  async run(argv) {
    const { values, positionals: rest } = parseCommand(
      argv,
      { stdio: { type: 'boolean' } },
      SERVE_USAGE,
    );
    positionals(rest, [], SERVE_USAGE);
    if (!values.stdio) throw new UsageError('serve needs --stdio', SERVE_USAGE);
    const { serveStdio } = await import('./cli/serve');
    return serveStdio(ROOT);
  },
};

function updateCommand(name: string, summary: string): Command {
  return {
    kind: 'command',
    name,
    summary,
    usage: UPDATE_USAGE,
    async run(argv, out) {
      positionals(parseCommand(argv, {}, UPDATE_USAGE).positionals, [], UPDATE_USAGE);
      const { selfUpdate } = await import('./install/self-update');
      await selfUpdate(out);
    },
  };
}

export const ROOT: Group = {
  kind: 'group',
  name: 'rbees-pool',
  summary: 'rbees pool agent: run by the rbees daemon over SSH on every pool host.',
  children: [
    status,
    MODELS,
    WORKER,
    {
      kind: 'group',
      name: 'git',
      summary: 'update the agent checkout: git pull',
      children: [updateCommand('pull', 'git pull --ff-only in the agent checkout')],
    },
    updateCommand('self-update', 'same as `git pull`'),
    serve,
  ],
};
