import { Argument, Option } from 'commander';
import { BACKENDS } from '../../workerd/args';
import { CliCommand, UsageError, type AgentContext } from '../cli/cli';
import { idValue, intOption } from '../../../node/cli/options';
import { LOG_LINES_MAX, WORKER_ID } from '../../../shared/ids';
import { workersDir } from '../paths';
import { DEFAULT_RESTARTS } from './worker-keeper';
import type { WorkerBackend } from '../../../shared/pool-status';

function isBackend(value: string): value is WorkerBackend {
  return (BACKENDS as readonly string[]).includes(value);
}

function backend(raw: string): WorkerBackend {
  if (!isBackend(raw))
    throw new UsageError(`backend "${raw}" is not one of ${BACKENDS.join(', ')}`);
  return raw;
}

interface SpawnOptions {
  model: string;
  gpu?: number;
  port?: number;
  slots?: number;
  threads?: number;
  ctx?: number;
  id?: string;
  timeout?: number;
  restarts?: number;
  onDemand?: boolean;
  parentPid?: number;
}

function spawnCommand({ out }: AgentContext): CliCommand {
  return new CliCommand('spawn')
    .summary('start a worker for a model and wait until it serves')
    .usage('<backend> --model ID [options]')
    .description(
      'Starts rbees-workerd detached on 127.0.0.1 and waits until it serves. Checks first that the ' +
        'model file exists and that it fits (MODEL_NOT_FOUND, INSUFFICIENT_VRAM). The worker gets a ' +
        'new secret, kept in $RBEES_HOME/workers/<id>.json (0600) and printed with --json: its routes ' +
        'want "Authorization: Bearer <secret>".',
    )
    .addArgument(new Argument('<backend>', BACKENDS.join(' | ')).argParser(backend))
    .requiredOption(
      '--model <ID>',
      'model id: the file name without .gguf in $RBEES_HOME/models (required)',
    )
    .addOption(intOption('--gpu <N>', 'GPU index (cuda, vulkan)', 0, 255))
    .addOption(
      intOption('--port <N>', 'port on 127.0.0.1 (default 0: any free port, reported)', 0, 65535),
    )
    .addOption(intOption('--slots <N>', 'parallel generations (default 1)', 1, 64))
    .addOption(intOption('--threads <N>', "CPU threads (default: the worker's)", 1, 1024))
    .addOption(
      intOption(
        '--ctx <N>',
        "context tokens per slot (default: the worker's, as much as fits)",
        16,
        1 << 24,
      ),
    )
    .addOption(
      new Option('--id <NAME>', 'worker id (default: <model>-<random>)').argParser(
        idValue('--id', WORKER_ID),
      ),
    )
    .addOption(
      intOption(
        '--timeout <SECONDS>',
        'how long to wait for the ready line (default 300)',
        1,
        86_400,
      ),
    )
    .addOption(
      intOption(
        '--restarts <N>',
        `when it dies, start it again up to N times in a row, after 1, 2, 4 … 30 s (default ${DEFAULT_RESTARTS}; 0: never); then it shows as failed until stopped`,
        0,
        1000,
      ),
    )
    .option('--on-demand', 'started by the daemon for its jobs: the daemon stops it when idle')
    .addOption(
      intOption(
        '--parent-pid <PID>',
        "end the worker, and restart it no more, once this process is gone (this computer's daemon passes its own)",
        1,
        2 ** 31 - 1,
      ),
    )
    .runs<SpawnOptions>(async ([raw = ''], options) => {
      const kind = raw as WorkerBackend;
      if (options.model === '') throw new UsageError('--model <id> is required');
      if (options.gpu !== undefined && (kind === 'cpu' || kind === 'metal')) {
        throw new UsageError(`--gpu needs backend cuda, vulkan or auto (not ${kind})`);
      }
      const { spawnWorker } = await import('./worker-spawn');
      const worker = await spawnWorker({
        backend: kind,
        model: options.model,
        id: options.id,
        gpu: options.gpu,
        port: options.port ?? 0,
        slots: options.slots ?? 1,
        threads: options.threads,
        ctx: options.ctx,
        timeoutMs: (options.timeout ?? 300) * 1000,
        restarts: options.restarts ?? DEFAULT_RESTARTS,
        onDemand: options.onDemand ?? false,
        parentPid: options.parentPid,
      });
      out.emit(
        {
          event: 'spawned',
          id: worker.id,
          port: worker.port,
          pid: worker.pid,
          model: worker.model,
          backend: worker.backend,
          log: worker.log,
          secret: worker.secret,
        },
        `worker ${worker.id} serves ${worker.model} on 127.0.0.1:${worker.port} (pid ${worker.pid}, log ${worker.log})`,
      );
    });
}

function listCommand({ out }: AgentContext): CliCommand {
  return new CliCommand('list')
    .summary('running workers and their health')
    .description(
      'Workers started on this host: alive (not a zombie) and answering /status. Entries of dead ' +
        "workers are removed and reported as cleaned. --json includes each worker's secret.",
    )
    .runs(async () => {
      const { liveWorkers } = await import('./worker-state');
      const { workers, cleaned, unreadable } = await liveWorkers(workersDir());
      const rows = workers.map(
        (w) =>
          `${w.id}  ${w.model}  ${w.backend}  127.0.0.1:${w.port ?? '-'}  pid ${w.pid}  ${w.status}${w.slots_total === null ? '' : `  slots ${w.slots_busy}/${w.slots_total}`}`,
      );
      const human = [
        ...(rows.length > 0 ? rows : ['no workers running']),
        ...cleaned.map((id) => `(removed stale entry ${id})`),
      ].join('\n');
      // `unreadable` only when there are some: the line stays what older daemons read.
      const lost = unreadable.length > 0 ? { unreadable } : {};
      out.emit({ event: 'workers', workers, cleaned, ...lost }, human);
    });
}

/** `<id>`, checked against the rule for worker ids (they become file names). */
function workerIdArgument(cmd: CliCommand): CliCommand {
  return cmd.addArgument(
    new Argument('<id>', 'the worker id').argParser(idValue('<id>', WORKER_ID)),
  );
}

function stopCommand({ out }: AgentContext): CliCommand {
  const cmd = new CliCommand('stop')
    .summary('stop a worker (idempotent)')
    .description(
      'SIGTERM, then SIGKILL after 5 s. Stopping a worker that is not running succeeds.',
    );
  return workerIdArgument(cmd).runs(async ([id = '']) => {
    const { stopWorker } = await import('./worker-stop');
    const result = await stopWorker(id);
    out.emit(
      { event: 'stopped', ...result },
      result.was_running
        ? `stopped ${result.id} (pid ${result.pid}, ${result.signal})`
        : `${result.id} was not running`,
    );
  });
}

function logsCommand({ out }: AgentContext): CliCommand {
  const cmd = new CliCommand('logs')
    .summary("print (or follow) a worker's log")
    .description('Prints the end of $RBEES_HOME/logs/worker-<id>.log.');
  return workerIdArgument(cmd)
    .option('-f, --follow', 'keep printing appended lines until interrupted or the worker exits')
    .addOption(
      intOption(
        '-n, --lines <N>',
        'how many lines of the end to print first (default 100)',
        0,
        LOG_LINES_MAX,
      ),
    )
    .runs<{ follow?: boolean; lines?: number }>(async ([id = ''], { follow, lines }) => {
      const { showLogs } = await import('./worker-logs');
      await showLogs(id, lines ?? 100, follow ?? false, out);
    });
}

function keepCommand(): CliCommand {
  const cmd = new CliCommand('keep')
    .summary("a worker's keeper: restarts it when it dies (started by spawn)")
    .description(
      'Started by `worker spawn` (you need not run it): watches the worker and starts it again, ' +
        'with backoff, when it dies; exits when the worker is stopped or after N restarts in a row.',
    );
  return workerIdArgument(cmd)
    .addOption(
      intOption(
        '--restarts <N>',
        'restarts in a row before giving up (required)',
        1,
        1000,
      ).makeOptionMandatory(),
    )
    .runs<{ restarts: number }>(async ([id = ''], { restarts }) => {
      const { keepWorker } = await import('./worker-keeper');
      await keepWorker(id, restarts);
    });
}

export function workerCommand(ctx: AgentContext): CliCommand {
  return new CliCommand('worker')
    .summary('inference workers: spawn, list, stop, logs')
    .addCommand(spawnCommand(ctx))
    .addCommand(listCommand(ctx))
    .addCommand(stopCommand(ctx))
    .addCommand(logsCommand(ctx))
    .addCommand(keepCommand());
}
