import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { RbeesError } from '../../../shared/errors';
import type { WorkerReadyLine } from '../../../shared/inference';
import { WORKER_SECRET_ENV } from '../../../shared/worker-auth';
import { PRIVATE_FILE } from '../private-home';

/** How to run `rbees-workerd`: the program and the arguments before the worker's own flags. */
export interface WorkerCommand {
  command: string;
  args: string[];
}

export interface WorkerLaunch {
  modelId: string;
  modelPath: string;
  slots: number;
  threads?: number;
  logFile: string;
  /** What the worker will want on every request: handed over by environment, never argv. */
  secret: string;
}

const LOG_LINES_KEPT = 2000;
const STOP_GRACE_MS = 5000;

/**
 * One `rbees-workerd` child process: started, watched until its ready line, its output kept (the
 * last lines in memory, all of it in a log file), stopped with SIGTERM then SIGKILL. Inference runs
 * here and not in the daemon because a native crash must never take the daemon down.
 */
export class WorkerProcess {
  readonly logs: string[] = [];
  private exitListeners: ((reason: string) => void)[] = [];
  private exited = false;
  private readonly logStream: WriteStream;

  private constructor(
    private readonly child: ChildProcess,
    logFile: string,
  ) {
    this.logStream = createWriteStream(logFile, { flags: 'a', mode: PRIVATE_FILE });
    child.once('exit', (code, signal) => {
      this.exited = true;
      const reason = signal ? `killed by ${signal}` : `exited with code ${code ?? '?'}`;
      this.log(`[rbees] worker ${reason}`);
      this.logStream.end();
      for (const listener of this.exitListeners.splice(0)) listener(reason);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.exited;
  }

  /** Spawns the worker and resolves with its ready line; rejects with MODEL_LOAD_FAILED otherwise. */
  static async start(
    command: WorkerCommand,
    launch: WorkerLaunch,
  ): Promise<{ process: WorkerProcess; ready: WorkerReadyLine }> {
    const args = [
      ...command.args,
      ...['--model', launch.modelPath, '--model-id', launch.modelId, '--port', '0'],
      ...['--slots', String(launch.slots), '--parent-pid', String(process.pid)],
      ...(launch.threads ? ['--threads', String(launch.threads)] : []),
    ];
    const child = spawn(command.command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Under Electron, process.execPath is the app: this makes it behave as plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', [WORKER_SECRET_ENV]: launch.secret },
    });
    const worker = new WorkerProcess(child, launch.logFile);
    createInterface({ input: child.stderr }).on('line', (line) => worker.log(line));
    const ready = await worker.waitForReady(createInterface({ input: child.stdout }), launch);
    return { process: worker, ready };
  }

  onExit(listener: (reason: string) => void): void {
    if (this.exited) listener('exited');
    else this.exitListeners.push(listener);
  }

  /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.onExit(() => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  private log(line: string): void {
    this.logs.push(line);
    if (this.logs.length > LOG_LINES_KEPT) this.logs.splice(0, this.logs.length - LOG_LINES_KEPT);
    if (!this.logStream.closed) this.logStream.write(`${line}\n`);
  }

  private waitForReady(
    stdout: ReturnType<typeof createInterface>,
    launch: WorkerLaunch,
  ): Promise<WorkerReadyLine> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (message: string) => {
        if (settled) return;
        settled = true;
        const tail = this.logs.slice(-5).join('\n');
        reject(new RbeesError('MODEL_LOAD_FAILED', message, { model: launch.modelId, log: tail }));
      };
      stdout.on('line', (line) => {
        const parsed = parseJsonLine(line);
        if (settled || !parsed) return this.log(line);
        if (parsed.event === 'ready') {
          settled = true;
          resolve(parsed as unknown as WorkerReadyLine);
        } else if (parsed.event === 'error') {
          fail(
            typeof parsed.message === 'string'
              ? parsed.message
              : 'the worker could not load the model',
          );
        }
      });
      this.onExit((reason) => {
        const last = this.logs.filter((line) => !line.startsWith('[rbees]')).at(-1);
        fail(
          `The worker for "${launch.modelId}" ${reason} before it was ready` +
            (last ? `: ${last}` : '; see its log.'),
        );
      });
    });
  }
}

function parseJsonLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
