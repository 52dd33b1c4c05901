/**
 * rbees-workerd: serves one GGUF model over HTTP + SSE. Prints exactly one JSON line on stdout,
 * `{"event":"ready",...}` once it serves or `{"event":"error",...}` if it cannot; everything else
 * (its own log and llama.cpp's) goes to stderr.
 */
import { toErrorBody, type ErrorCode } from '../../shared/errors';
import type { WorkerErrorLine, WorkerReadyLine } from '../../shared/inference';
import { ArgsError, parseWorkerArgs, USAGE, type WorkerArgs } from './args';
import type { Engine } from './engine';
import { takeSecret } from './guard';
import { watchParent } from './parent-watch';
import { lowerPriority, parseWorkerNice } from './priority';
import type { WorkerServer } from './server';

/** After SIGTERM, stop waiting for llama.cpp to wind down after this long. */
const SHUTDOWN_DEADLINE_MS = 1500;

function log(line: string): void {
  process.stderr.write(`rbees-workerd[${process.pid}]: ${line}\n`);
}

function printLine(line: WorkerReadyLine | WorkerErrorLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function main(): Promise<void> {
  let args: WorkerArgs | 'help';
  try {
    args = parseWorkerArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof ArgsError)) throw err;
    process.stderr.write(`rbees-workerd: ${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  await serve(args);
}

async function serve(args: WorkerArgs): Promise<void> {
  // Before anything can start a process that would inherit it.
  const taken = takeSecret(process.env);
  if ('problem' in taken) return fail({ code: 'BAD_REQUEST', message: taken.problem });
  // Then: threads inherit their creator's priority, and llama.cpp's start later.
  try {
    log(lowerPriority(parseWorkerNice(process.env.RBEES_WORKER_NICE)));
  } catch (err) {
    return fail({ code: 'BAD_REQUEST', message: err instanceof Error ? err.message : String(err) });
  }
  // Imported after the arguments are checked: node-llama-cpp takes ~0.5 s to import, and a typo
  // in a flag should fail at once.
  const [{ Engine }, { createServer }] = await Promise.all([
    import('./engine'),
    import('./server'),
  ]);
  // Filled in as they start; the signal handlers close whatever exists.
  const running: { engine?: Engine; server?: WorkerServer } = {};
  let stopping = false;

  const stop = async (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    log(`stopping: ${why}`);
    const deadline = setTimeout(() => {
      log(`llama.cpp did not wind down within ${SHUTDOWN_DEADLINE_MS} ms; exiting anyway`);
      process.exit(code);
    }, SHUTDOWN_DEADLINE_MS);
    try {
      await running.server?.close();
      await running.engine?.dispose();
    } catch (err) {
      log(`shutdown: ${String(err)}`);
    }
    clearTimeout(deadline);
    process.exit(code);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => void stop(signal, 0));
  }
  if (args.parentPid !== undefined) watchParent(args.parentPid, () => void stop('parent gone', 0));

  let engine: Engine;
  try {
    engine = await Engine.load({
      modelPath: args.model,
      modelId: args.modelId,
      backend: args.backend,
      gpu: args.gpu,
      threads: args.threads,
      slots: args.slots,
      ctx: args.ctx,
      logger: (level, message) => log(`llama.cpp ${level}: ${message.trimEnd()}`),
    });
  } catch (err) {
    return fail(toErrorBody(err));
  }
  running.engine = engine;
  const server = createServer(engine, { secret: taken.secret, log });
  running.server = server;
  try {
    await server.app.listen({ port: args.port, host: args.host });
  } catch (err) {
    await engine.dispose().catch(() => undefined);
    const reason = err instanceof Error ? err.message : String(err);
    return fail({
      code: 'INTERNAL',
      message: `${args.host}:${args.port}: ${reason} — choose another --port (0 picks a free one) or --host`,
    });
  }
  const address = server.app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : args.port;
  const { info } = engine;
  printLine({
    event: 'ready',
    port,
    model: info.model,
    backend: info.backend,
    slots: info.slots,
    context_size: info.contextSize,
  });
  log(
    `serving ${args.model} as ${info.model} on ${args.host}:${port} (${info.backend}, ${info.slots} slot(s), context ${info.contextSize})`,
  );
}

/** Prints the error line, waits for stdout to take it (pipes may be asynchronous), exits 1. */
function fail(error: { code: ErrorCode; message: string }): Promise<never> {
  printLine({ event: 'error', code: error.code, message: error.message });
  log(`cannot start: ${error.message}`);
  return new Promise<never>(() => process.stdout.write('', () => process.exit(1)));
}

/** Polls rather than relying on stdin or a pipe closing: the pool agent may detach those. */
main().catch((err: unknown) => {
  log(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
