/** The command tree. Each command imports its implementation when it runs, not before. */
import { agentRoot, CliCommand, UsageError, type AgentContext } from './cli/cli';
import { modelsCommand } from './models/models-command';
import { workerCommand } from './workers/worker-command';

function statusCommand({ out }: AgentContext): CliCommand {
  return new CliCommand('status')
    .summary('host, GPUs, models and workers')
    .description(
      'This host: OS, CPU, RAM, free disk where models live, GPUs (nvidia-smi, rocm-smi, or ' +
        'system_profiler on macOS; read-only, nothing is allocated on a GPU), models and workers.',
    )
    .runs(async () => {
      const [{ hostStatus }, { formatStatus }] = await Promise.all([
        import('./status/host-status'),
        import('./status/status-format'),
      ]);
      const report = await hostStatus();
      out.emit({ event: 'status', ...report }, formatStatus(report));
    });
}

function updateCommand(name: string, summary: string, { out }: AgentContext): CliCommand {
  return new CliCommand(name)
    .summary(summary)
    .description(
      'When the agent is a git checkout, runs `git pull --ff-only` there and relays its output. ' +
        'Otherwise it fails: such installs are updated by `rbees-ctl pool install`.',
    )
    .runs(async () => {
      const { selfUpdate } = await import('./install/self-update');
      await selfUpdate(out);
    });
}

function serveCommand(ctx: AgentContext): CliCommand {
  return new CliCommand('serve')
    .summary("answer the daemon's read-only requests over stdin/stdout")
    .description(
      'For the daemon: answers requests for short read-only commands (status, models list, worker ' +
        'list) as JSON lines on stdin/stdout, one process per SSH session, until stdin ends.',
    )
    .option('--stdio', 'the only transport: JSON lines on stdin, answers on stdout')
    .runs<{ stdio?: boolean }>(async (_args, { stdio }) => {
      if (!stdio) throw new UsageError('serve needs --stdio');
      const { serveStdio } = await import('./cli/serve');
      // Each request gets a tree of its own: requests overlap, each with its own output.
      return serveStdio((out) => agentProgram({ ...ctx, out }));
    });
}

/** The whole `rbees-pool` program, writing to `ctx`. */
export function agentProgram(ctx: AgentContext): CliCommand {
  const git = new CliCommand('git')
    .summary('update the agent checkout: git pull')
    .addCommand(updateCommand('pull', 'git pull --ff-only in the agent checkout', ctx));
  return agentRoot()
    .addCommand(statusCommand(ctx))
    .addCommand(modelsCommand(ctx))
    .addCommand(workerCommand(ctx))
    .addCommand(git)
    .addCommand(updateCommand('self-update', 'same as `git pull`', ctx))
    .addCommand(serveCommand(ctx));
}
