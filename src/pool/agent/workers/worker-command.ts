import { BACKENDS } from '../../workerd/args';
import {
  COMMON_HELP,
  intOption,
  parseCommand,
  positionals,
  UsageError,
  type Command,
  type Group,
} from '../cli/cli';
import { idProblem, LOG_LINES_MAX, WORKER_ID } from '../../../shared/ids';
import { workersDir } from '../paths';
import { DEFAULT_RESTARTS } from './worker-keeper';
import type { WorkerBackend } from '../../../shared/pool-status';

const SPAWN_USAGE = `usage: rbees-pool worker spawn <backend> --model <id> [options]

Starts rbees-workerd detached on 127.0.0.1 and waits until it serves. <backend>: ${BACKENDS.join(' | ')}.
Checks first that the model file exists and that it fits (MODEL_NOT_FOUND, INSUFFICIENT_VRAM).
The worker gets a new secret, kept in $RBEES_HOME/workers/<id>.json (0600) and printed with --json:
its routes want "Authorization: Bearer <secret>".
  --model ID         model id (file name without .gguf in $RBEES_HOME/models) (required)
  --gpu N            GPU index (cuda, vulkan)
  --port N           port on 127.0.0.1 (default 0: any free port, reported)
  --slots N          parallel generations (default 1)
  --threads N        CPU threads (default: the worker's)
  --ctx N            context tokens per slot (default: the worker's, as much as fits)
  --id NAME          worker id (default: <model>-<random>)
  --timeout SECONDS  how long to wait for the ready line (default 300)
  --restarts N       when it dies, start it again up to N times in a row, after 1, 2, 4 … 30 s
                     (default ${DEFAULT_RESTARTS}; 0: never); then it shows as failed until stopped
  --on-demand        started by the daemon for its jobs: the daemon stops it when idle
${COMMON_HELP}`;

const KEEP_USAGE = `usage: rbees-pool worker keep <id> --restarts N

Started by \`worker spawn\` (you need not run it): watches the worker and starts it again, with
backoff, when it dies; exits when the worker is stopped or after N restarts in a row.
  --restarts N       restarts in a row before giving up (required)
${COMMON_HELP}`;

const LIST_USAGE = `usage: rbees-pool worker list [--json]

Workers started on this host: alive (not a zombie) and answering /status. Entries of dead
workers are removed and reported as cleaned. --json includes each worker's secret.
${COMMON_HELP}`;

const STOP_USAGE = `usage: rbees-pool worker stop <id> [--json]

SIGTERM, then SIGKILL after 5 s. Stopping a worker that is not running succeeds.
${COMMON_HELP}`;

const LOGS_USAGE = `usage: rbees-pool worker logs <id> [--follow] [--lines N] [--json]

Prints the end of $RBEES_HOME/logs/worker-<id>.log.
  -f, --follow       keep printing appended lines until interrupted or the worker exits
  -n, --lines N      how many lines of the end to print first (default 100)
${COMMON_HELP}`;

function isBackend(value: string): value is WorkerBackend {
  return (BACKENDS as readonly string[]).includes(value);
}

function workerId(raw: string, usage: string): string {
  if (!WORKER_ID.pattern.test(raw)) throw new UsageError(idProblem(WORKER_ID, raw), usage);
  return raw;
}

const spawnCommand: Command = {
  kind: 'command',
  name: 'spawn',
  summary: 'start a worker for a model and wait until it serves',
  usage: SPAWN_USAGE,
  async run(argv, out) {
    const { values, positionals: words } = parseCommand(
      argv,
      {
        model: { type: 'string' },
        gpu: { type: 'string' },
        port: { type: 'string' },
        slots: { type: 'string' },
        threads: { type: 'string' },
        ctx: { type: 'string' },
        id: { type: 'string' },
        timeout: { type: 'string' },
        restarts: { type: 'string' },
        'on-demand': { type: 'boolean' },
      },
      SPAWN_USAGE,
    );
    const [backend = ''] = positionals(words, ['<backend>'], SPAWN_USAGE);
    if (!isBackend(backend))
      throw new UsageError(
        `backend "${backend}" is not one of ${BACKENDS.join(', ')}`,
        SPAWN_USAGE,
      );
    if (values.model === undefined || values.model === '')
      throw new UsageError('--model <id> is required', SPAWN_USAGE);
    const gpu = intOption('--gpu', values.gpu, 0, 255, SPAWN_USAGE);
    if (gpu !== undefined && (backend === 'cpu' || backend === 'metal')) {
      throw new UsageError(
        `--gpu needs backend cuda, vulkan or auto (not ${backend})`,
        SPAWN_USAGE,
      );
    }
    const { spawnWorker } = await import('./worker-spawn');
    const worker = await spawnWorker({
      backend,
      model: values.model,
      id: values.id === undefined ? undefined : workerId(values.id, SPAWN_USAGE),
      gpu,
      port: intOption('--port', values.port, 0, 65535, SPAWN_USAGE) ?? 0,
      slots: intOption('--slots', values.slots, 1, 64, SPAWN_USAGE) ?? 1,
      threads: intOption('--threads', values.threads, 1, 1024, SPAWN_USAGE),
      ctx: intOption('--ctx', values.ctx, 16, 1 << 24, SPAWN_USAGE),
      timeoutMs: (intOption('--timeout', values.timeout, 1, 86_400, SPAWN_USAGE) ?? 300) * 1000,
      restarts: intOption('--restarts', values.restarts, 0, 1000, SPAWN_USAGE) ?? DEFAULT_RESTARTS,
      onDemand: values['on-demand'] ?? false,
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
  },
};

const listCommand: Command = {
  kind: 'command',
  name: 'list',
  summary: 'running workers and their health',
  usage: LIST_USAGE,
  async run(argv, out) {
    positionals(parseCommand(argv, {}, LIST_USAGE).positionals, [], LIST_USAGE);
    const { liveWorkers } = await import('./worker-state');
    const { workers, cleaned } = await liveWorkers(workersDir());
    const rows = workers.map(
      (w) =>
        `${w.id}  ${w.model}  ${w.backend}  127.0.0.1:${w.port ?? '-'}  pid ${w.pid}  ${w.status}${w.slots_total === null ? '' : `  slots ${w.slots_busy}/${w.slots_total}`}`,
    );
    const human = [
      ...(rows.length > 0 ? rows : ['no workers running']),
      ...cleaned.map((id) => `(removed stale entry ${id})`),
    ].join('\n');
    out.emit({ event: 'workers', workers, cleaned }, human);
  },
};

const stopCommand: Command = {
  kind: 'command',
  name: 'stop',
  summary: 'stop a worker (idempotent)',
  usage: STOP_USAGE,
  async run(argv, out) {
    const [raw = ''] = positionals(
      parseCommand(argv, {}, STOP_USAGE).positionals,
      ['<id>'],
      STOP_USAGE,
    );
    const { stopWorker } = await import('./worker-stop');
    const result = await stopWorker(workerId(raw, STOP_USAGE));
    out.emit(
      { event: 'stopped', ...result },
      result.was_running
        ? `stopped ${result.id} (pid ${result.pid}, ${result.signal})`
        : `${result.id} was not running`,
    );
  },
};

const logsCommand: Command = {
  kind: 'command',
  name: 'logs',
  summary: "print (or follow) a worker's log",
  usage: LOGS_USAGE,
  async run(argv, out) {
    const { values, positionals: words } = parseCommand(
      argv,
      { follow: { type: 'boolean', short: 'f' }, lines: { type: 'string', short: 'n' } },
      LOGS_USAGE,
    );
    const [raw = ''] = positionals(words, ['<id>'], LOGS_USAGE);
    const { showLogs } = await import('./worker-logs');
    await showLogs(
      workerId(raw, LOGS_USAGE),
      intOption('--lines', values.lines, 0, LOG_LINES_MAX, LOGS_USAGE) ?? 100,
      values.follow ?? false,
      out,
    );
  },
};

const keepCommand: Command = {
  kind: 'command',
  name: 'keep',
  summary: "a worker's keeper: restarts it when it dies (started by spawn)",
  usage: KEEP_USAGE,
  async run(argv) {
    const { values, positionals: words } = parseCommand(
      argv,
      { restarts: { type: 'string' } },
      KEEP_USAGE,
    );
    const [raw = ''] = positionals(words, ['<id>'], KEEP_USAGE);
    const restarts = intOption('--restarts', values.restarts, 1, 1000, KEEP_USAGE);
    if (restarts === undefined) throw new UsageError('--restarts N is required', KEEP_USAGE);
    const { keepWorker } = await import('./worker-keeper');
    await keepWorker(workerId(raw, KEEP_USAGE), restarts);
  },
};

export const WORKER: Group = {
  kind: 'group',
  name: 'worker',
  summary: 'inference workers: spawn, list, stop, logs',
  children: [spawnCommand, listCommand, stopCommand, logsCommand, keepCommand],
};
