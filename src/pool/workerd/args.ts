import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { MIN_SECRET_CHARS, WORKER_SECRET_ENV } from '../../shared/worker-auth';

export const BACKENDS = ['auto', 'cpu', 'cuda', 'metal', 'vulkan'] as const;
export type Backend = (typeof BACKENDS)[number];

/** Sequences per context are memory per slot; more than this is a typo, not a plan. */
export const MAX_SLOTS = 64;

/** The worker's command line, resolved to values with their defaults. */
export interface WorkerArgs {
  model: string;
  modelId: string;
  port: number;
  host: string;
  backend: Backend;
  /** GPU device index; undefined lets llama.cpp choose. */
  gpu: number | undefined;
  /** undefined: the machine's math cores (node-llama-cpp's own default of >= 4 is too many on small boxes). */
  threads: number | undefined;
  slots: number;
  /** Tokens per slot; undefined: as much as fits, up to DEFAULT_MAX_CONTEXT. */
  ctx: number | undefined;
  parentPid: number | undefined;
}

export const USAGE = `usage: rbees-workerd --model PATH --port N [options]
  --model PATH       GGUF file to serve (required)
  --port N           TCP port, 0 for any free port (required)
  --host ADDR        address to bind (default 127.0.0.1; requests must name a loopback Host)
  --backend NAME     auto | cpu | cuda | metal | vulkan (default auto)
  --gpu N            GPU device index (CUDA or Vulkan)
  --threads N        CPU threads for decoding (default: math cores)
  --slots N          parallel generations (default 1)
  --ctx N            context size in tokens per slot (default: auto)
  --model-id ID      name reported to clients (default: file name without .gguf)
  --parent-pid N     exit when this process is gone
Environment: ${WORKER_SECRET_ENV} (required, at least ${MIN_SECRET_CHARS} characters): every request but
GET /health must send "Authorization: Bearer <it>". It is removed from the environment at start.`;

/** A bad command line; main prints the message and the usage, then exits 2. */
export class ArgsError extends Error {
  override name = 'ArgsError';
}

const OPTIONS = {
  model: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  backend: { type: 'string' },
  gpu: { type: 'string' },
  threads: { type: 'string' },
  slots: { type: 'string' },
  ctx: { type: 'string' },
  'model-id': { type: 'string' },
  'parent-pid': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Returns 'help' for --help; throws ArgsError naming the bad flag otherwise. */
export function parseWorkerArgs(argv: readonly string[]): WorkerArgs | 'help' {
  let values: ReturnType<typeof parseOptions>;
  try {
    values = parseOptions(argv);
  } catch (err) {
    // node:util's messages already name the flag ("Unknown option '--prot'"); keep them.
    throw new ArgsError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return 'help';

  const model = values.model;
  if (model === undefined || model === '') throw new ArgsError('--model PATH is required');
  if (values.port === undefined) throw new ArgsError('--port N is required (0 picks a free port)');
  const backend = values.backend ?? 'auto';
  if (!isBackend(backend)) {
    throw new ArgsError(`--backend "${backend}" is not one of ${BACKENDS.join(', ')}`);
  }
  const gpu = optionalInt('--gpu', values.gpu, 0, 255);
  if (gpu !== undefined && (backend === 'cpu' || backend === 'metal')) {
    throw new ArgsError(`--gpu ${gpu} needs --backend cuda, vulkan or auto (not ${backend})`);
  }
  const parentPid = optionalInt('--parent-pid', values['parent-pid'], 1, 2 ** 31 - 1);
  return {
    model,
    modelId: values['model-id'] ?? defaultModelId(model),
    port: requiredInt('--port', values.port, 0, 65535),
    host: values.host ?? '127.0.0.1',
    backend,
    gpu,
    threads: optionalInt('--threads', values.threads, 1, 1024),
    slots: optionalInt('--slots', values.slots, 1, MAX_SLOTS) ?? 1,
    ctx: optionalInt('--ctx', values.ctx, 16, 1 << 24),
    parentPid,
  };
}

function parseOptions(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false })
    .values;
}

function isBackend(value: string): value is Backend {
  return (BACKENDS as readonly string[]).includes(value);
}

function defaultModelId(modelPath: string): string {
  return basename(modelPath).replace(/\.gguf$/i, '');
}

function optionalInt(flag: string, raw: string | undefined, min: number, max: number) {
  return raw === undefined ? undefined : requiredInt(flag, raw, min, max);
}

function requiredInt(flag: string, raw: string, min: number, max: number): number {
  // Number('') is 0 and Number('1e3') is 1000: accept plain decimal digits only.
  if (!/^\d+$/.test(raw)) throw new ArgsError(`${flag} "${raw}" is not a whole number`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ArgsError(`${flag} ${raw} is out of range (${min}..${max})`);
  }
  return value;
}
