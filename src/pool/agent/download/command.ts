import { resolve } from 'node:path';
import { RbeesError, toErrorBody } from '../../../shared/errors';
import { attachDownload } from './attach';
import { cancelDownload, startDetachedDownload } from './detached';
import { formatBytes } from './disk-space';
import type { DownloadState } from './download-state';
import { defaultModelsDir, listDownloads, newDownloadId, readState } from './download-state';
import { runDownloadEvents } from './event-run';
import type { DownloadEvent } from './events';
import type { DetachedLine } from '../../../shared/pool-status';
import { hfToken } from './hf-token';
import { downloadCommand, type DownloadRequest } from './download-command';
import { agentRoot, CliCommand, UsageError, type AgentIo } from '../cli/cli';
import { runCli } from '../../../node/cli/run-cli';
import { wantsJson } from '../../../node/cli/options';

/** Where the command writes, and what it reads from its process; injectable for tests. */
export type CommandIo = AgentIo;

function humanLine(e: DownloadEvent, file: string): string {
  switch (e.event) {
    case 'start':
      return e.resumed_from > 0
        ? `${e.file}: resuming at ${formatBytes(e.resumed_from)} of ${formatBytes(e.total)}\n`
        : `${e.file}: ${formatBytes(e.total)}\n`;
    case 'progress': {
      const pct = e.total > 0 ? ((100 * e.bytes) / e.total).toFixed(1) : '0.0';
      const eta = e.eta_s === null ? '' : `  ETA ${e.eta_s}s`;
      // \r and trailing spaces: the line refreshes in place on a terminal.
      return `\r${file}  ${pct}%  ${formatBytes(e.bytes)} / ${formatBytes(e.total)}  ${formatBytes(e.bytes_per_sec)}/s${eta}    `;
    }
    case 'done':
      return `\nDownloaded ${e.path}\nsha256 ${e.sha256}\n`;
    case 'error':
      return `\nerror (${e.code}): ${e.message}\n`;
  }
}

function printer(io: CommandIo, json: boolean): (e: DownloadEvent) => void {
  let file = '';
  return (e) => {
    if (e.event === 'start') file = e.file;
    io.stdout.write(json ? `${JSON.stringify(e)}\n` : humanLine(e, file));
  };
}

function printStates(io: CommandIo, states: DownloadState[], json: boolean): void {
  if (json) {
    for (const s of states) io.stdout.write(`${JSON.stringify(s)}\n`);
    return;
  }
  if (states.length === 0) io.stdout.write('No downloads.\n');
  for (const s of states) {
    const size = s.total === null ? '' : ` ${formatBytes(s.bytes)}/${formatBytes(s.total)}`;
    const why = s.error ? ` (${s.error.message})` : '';
    io.stdout.write(`${s.id}  ${s.state}${size}  ${s.file ?? s.ref}${why}\n`);
  }
}

/**
 * `rbees-pool models download …` as a command line of its own (argv is what follows `models
 * download`): what the detached child and the tests run. Resolves to the exit code: 0 only when
 * the download (or the one attached to) ended done; 2 for a bad command line.
 */
export async function runDownloadCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const program = agentRoot().addCommand(
    new CliCommand('models').addCommand(downloadCommand((request) => runDownload(request, io))),
  );
  const json = wantsJson(argv);
  return runCli('rbees-pool', program, ['models', 'download', ...argv], io, json);
}

/** A parsed `models download`, run. */
export async function runDownload(request: DownloadRequest, io: CommandIo): Promise<number> {
  const { json, refs } = request;
  const modelsDir = resolve(request.modelsDir ?? defaultModelsDir(io.env));
  const emit = printer(io, json);
  const fail = (err: unknown): number => {
    const { code, message } = toErrorBody(err);
    if (json)
      io.stdout.write(
        `${JSON.stringify({ event: 'error', code, message } satisfies DownloadEvent)}\n`,
      );
    else io.stderr.write(`error (${code}): ${message}\n`);
    return 1;
  };
  const ref = refs[0];
  const modes = [request.attach, request.cancel, request.list || undefined, ref];
  if (modes.filter((v) => v !== undefined).length !== 1 || refs.length > 1) {
    throw new UsageError('Give exactly one of <ref>, --attach, --list, --cancel.');
  }
  try {
    if (request.list) {
      printStates(io, await listDownloads({ modelsDir }), json);
      return 0;
    }
    if (request.cancel !== undefined) {
      const s = await cancelDownload(request.cancel, { modelsDir });
      printStates(io, [s], json);
      return s.state === 'cancelled' ? 0 : 1;
    }
    if (request.attach !== undefined) {
      let ok = false;
      for await (const e of attachDownload(request.attach, {
        modelsDir,
        ...(io.signal ? { signal: io.signal } : {}),
      })) {
        emit(e);
        ok = e.event === 'done';
      }
      return ok ? 0 : 1;
    }
    if (ref === undefined) throw new RbeesError('BAD_REQUEST', 'No model reference given.');
    const endpoint = io.env.HF_ENDPOINT ?? 'https://huggingface.co';
    const token = hfToken(io.env);
    if (request.detach) {
      const d = await startDetachedDownload(ref, {
        modelsDir,
        endpoint,
        token,
        ...(io.detachCommand ? { command: io.detachCommand } : {}),
      });
      io.stdout.write(
        json
          ? `${JSON.stringify({ event: 'detached', id: d.id, pid: d.pid, log: d.log } satisfies DetachedLine)}\n`
          : `Started download ${d.id} (pid ${d.pid}). Follow it: rbees-pool models download --attach ${d.id}\n`,
      );
      return 0;
    }
    const runId = request.runId;
    const options = { modelsDir, endpoint, token, ...(io.signal ? { signal: io.signal } : {}) };
    if (runId === undefined) {
      return (await runDownloadEvents(ref, newDownloadId(), options, emit)) ? 0 : 1;
    }
    return (await runAsDetachedChild(ref, runId, options, emit)) ? 0 : 1;
  } catch (err) {
    return fail(err);
  }
}

/** The detached child: SIGTERM/SIGINT cancel (keeping the partial); SIGHUP is not ours to obey. */
async function runAsDetachedChild(
  ref: string,
  id: string,
  options: { modelsDir: string; endpoint: string; token: string | undefined; signal?: AbortSignal },
  emit: (e: DownloadEvent) => void,
): Promise<boolean> {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  process.on('SIGTERM', abort);
  process.on('SIGINT', abort);
  process.on('SIGHUP', () => undefined);
  try {
    const record = await readState(options.modelsDir, id);
    return await runDownloadEvents(
      ref,
      id,
      { ...options, signal: controller.signal },
      emit,
      record,
    );
  } finally {
    process.off('SIGTERM', abort);
    process.off('SIGINT', abort);
  }
}
