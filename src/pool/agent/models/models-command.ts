import { rm } from 'node:fs/promises';
import { RbeesError } from '../../../shared/errors';
import { CliCommand, type AgentContext } from '../cli/cli';
import { findModel } from './model-store';
import { formatBytes } from '../cli/output';
import { modelsDir, workersDir } from '../paths';
import type { ModelDetails } from '../../../shared/pool-status';
import { downloadCommand } from '../download/download-command';

function describe(m: ModelDetails): string {
  if (m.error !== undefined) return `${m.id}  ${formatBytes(m.size_bytes)}  ERROR ${m.error}`;
  const params =
    m.size_label ??
    (m.parameter_count !== undefined
      ? `${(m.parameter_count / 1e9).toFixed(2)}B params`
      : undefined);
  const facts = [
    m.architecture,
    params,
    m.file_type,
    m.context_length !== undefined ? `ctx ${m.context_length}` : undefined,
  ];
  const line = `${m.id}  ${formatBytes(m.size_bytes)}  ${facts.filter((f) => f !== undefined).join(', ')}`;
  const point = m.fit?.points.find((p) => p.ctx === m.fit?.default_ctx);
  if (point === undefined) return m.fit_error === undefined ? line : `${line}\n  ${m.fit_error}`;
  const needs =
    `needs ${formatBytes(point.gpu_vram_bytes)} VRAM + ${formatBytes(point.gpu_ram_bytes)} RAM on a GPU, ` +
    `${formatBytes(point.cpu_ram_bytes)} RAM on the CPU (context ${point.ctx}, ${m.fit?.slots} slot(s))`;
  return `${line}\n  ${needs}`;
}

function listCommand({ out }: AgentContext): CliCommand {
  return new CliCommand('list')
    .summary('models on this host with their GGUF header facts')
    .description(
      'Lists the .gguf files in $RBEES_HOME/models (default ~/.rbees/models) with their GGUF header: ' +
        'architecture, parameter count, quantization, context length, and the memory it needs ' +
        "(node-llama-cpp's estimate; with --json per context size: the numbers `worker spawn` checks). " +
        'A file that is not a readable GGUF is listed with an error.',
    )
    .runs(async () => {
      const [{ listModels }, { withGgufDetails }, { diskOf }] = [
        await import('./model-store'),
        await import('./gguf-info'),
        await import('../status/disk-of'),
      ];
      const dir = modelsDir();
      const [models, disk] = await Promise.all([
        listModels(dir).then(withGgufDetails),
        // The daemon checks an upload's size against it before accepting a byte.
        diskOf(dir),
      ]);
      const human = models.length === 0 ? `no models in ${dir}` : models.map(describe).join('\n');
      out.emit({ event: 'models', models_dir: dir, models, disk }, human);
    });
}

function removeCommand({ out }: AgentContext): CliCommand {
  return new CliCommand('rm')
    .summary('delete a model file (not while a worker uses it)')
    .description(
      'Deletes a model file (and its .sha256 sidecar). Refuses while a worker serves the model.',
    )
    .argument('<id>', 'the model id (file name without .gguf)')
    .runs(async ([requested = '']) => {
      const model = await findModel(modelsDir(), requested);
      const { liveWorkers } = await import('../workers/worker-state');
      const users = (await liveWorkers(workersDir())).workers.filter((w) => w.model === model.id);
      if (users.length > 0) {
        const names = users.map((w) => `${w.id} (pid ${w.pid})`).join(', ');
        throw new RbeesError(
          'BAD_REQUEST',
          `model ${model.id} is in use by worker ${names} — stop it first: rbees-pool worker stop ${users[0]?.id ?? ''}`,
          { id: model.id, workers: users.map((w) => w.id) },
        );
      }
      await rm(model.path);
      await rm(`${model.path}.sha256`, { force: true });
      out.emit({ event: 'removed', id: model.id, path: model.path }, `removed ${model.path}`);
    });
}

function verifyCommand({ out }: AgentContext): CliCommand {
  return new CliCommand('verify')
    .summary("compute a model's SHA-256 and check it")
    .description(
      "Computes the file's SHA-256 and compares it with <id>.gguf.sha256 beside it and/or --sha256. " +
        'Exit 1 (CHECKSUM_MISMATCH) when they differ. With --json, progress lines about once a second.',
    )
    .argument('<id>', 'the model id')
    .option('--sha256 <HEX>', 'the expected hash (64 hex digits)')
    .runs<{ sha256?: string }>(async ([requested = ''], { sha256: given }) => {
      if (given !== undefined && !/^[0-9a-f]{64}$/i.test(given)) {
        throw new RbeesError('BAD_REQUEST', `--sha256 "${given}" is not 64 hex digits`);
      }
      const model = await findModel(modelsDir(), requested);
      const { verifyModel } = await import('./model-verify');
      const progress = (bytes: number) =>
        out.emit({ event: 'progress', id: model.id, bytes, total_bytes: model.size_bytes });
      const result = await verifyModel(model, given, progress);
      const human = `${result.sha256}  ${model.id}${result.match === null ? ' (nothing to compare with)' : ' OK'}`;
      out.emit({ event: 'verified', id: model.id, ...result }, human);
    });
}

function download({ io }: AgentContext): CliCommand {
  return downloadCommand(async (request) => {
    const { runDownload } = await import('../download/command');
    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once('SIGINT', stop).once('SIGTERM', stop);
    try {
      return await runDownload(request, { ...io, signal: abort.signal });
    } finally {
      process.off('SIGINT', stop).off('SIGTERM', stop);
    }
  });
}

export function modelsCommand(ctx: AgentContext): CliCommand {
  return new CliCommand('models')
    .summary('models on this host: list, download, rm, verify')
    .addCommand(listCommand(ctx))
    .addCommand(download(ctx))
    .addCommand(removeCommand(ctx))
    .addCommand(verifyCommand(ctx));
}
