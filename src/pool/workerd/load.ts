import { stat } from 'node:fs/promises';
import {
  getLlama,
  LlamaLogLevel,
  readGgufFileInfo,
  resolveChatWrapper,
  type ChatWrapper,
  type Llama,
  type LlamaContext,
  type LlamaModel,
} from 'node-llama-cpp';
import { RbeesError } from '../../shared/errors';
import type { Backend } from './args';
import { DEFAULT_MAX_CONTEXT } from '../../shared/limits';
import { describeLoadFailure, LoadStageError, type LoadStage } from './load-error';

export interface LoadOptions {
  modelPath: string;
  backend: Backend;
  gpu: number | undefined;
  threads: number | undefined;
  slots: number;
  ctx: number | undefined;
  /** llama.cpp's own log lines. */
  logger: (level: LlamaLogLevel, message: string) => void;
}

/** Everything a loaded worker holds; `llama.dispose()` releases all of it. */
export interface Loaded {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  chatWrapper: ChatWrapper;
  /** What actually runs the model: 'cpu' or node-llama-cpp's GPU type. */
  backend: string;
}

/** Loads the model; any failure is a MODEL_LOAD_FAILED error whose message names the file and the fix. */
export async function loadModel(options: LoadOptions): Promise<Loaded> {
  const { modelPath } = options;
  await checkReadable(modelPath);
  if (options.gpu !== undefined) selectGpuDevice(options.gpu);

  // llama.cpp explains a failed load only in its log ("tensor ... data is not within the file
  // bounds"); node-llama-cpp's error just says "Failed to load model". Keep the last lines.
  const llamaErrors: string[] = [];
  const logger = (level: LlamaLogLevel, message: string) => {
    if (level === LlamaLogLevel.error && llamaErrors.push(message.trim()) > 8) llamaErrors.shift();
    options.logger(level, message);
  };

  let llama: Llama | undefined;
  try {
    // loadModel reads the header too, but reading it first tells a file that is not a (complete)
    // GGUF apart from a model llama.cpp cannot load (different fixes), and skips getLlama's ~1 s.
    await stage('header', () => checkHeader(modelPath));
    llama = await stage('runtime', () =>
      getLlama({
        // Never compile llama.cpp from source: it takes minutes and needs a toolchain.
        build: 'never',
        gpu: options.backend === 'cpu' ? false : options.backend,
        maxThreads: options.threads,
        logLevel: LlamaLogLevel.warn,
        logger,
      }),
    );
    const runtime = llama;
    const model = await stage('model', () =>
      runtime.loadModel({ modelPath, gpuLayers: options.backend === 'cpu' ? 0 : 'auto' }),
    );
    const context = await stage('context', () =>
      model.createContext({
        sequences: options.slots,
        contextSize: options.ctx ?? { max: DEFAULT_MAX_CONTEXT },
        // node-llama-cpp defaults to max(math cores, 4) threads, which makes small models
        // 20-1000x slower on 2-core machines; the math cores are the right default.
        threads: options.threads ?? runtime.cpuMathCores,
      }),
    );
    // Resolved once: resolving per request would parse the Jinja template every time.
    const chatWrapper = resolveChatWrapper(model);
    return { llama, model, context, chatWrapper, backend: llama.gpu === false ? 'cpu' : llama.gpu };
  } catch (err) {
    await llama?.dispose().catch(() => undefined);
    const message = describeLoadFailure(modelPath, options.backend, err, llamaErrors);
    throw new RbeesError('MODEL_LOAD_FAILED', message);
  }
}

async function stage<T>(name: LoadStage, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    throw new LoadStageError(name, err);
  }
}

/** readGgufFileInfo reads a truncated header as empty metadata rather than failing. */
async function checkHeader(modelPath: string): Promise<void> {
  const info = await readGgufFileInfo(modelPath, {
    readTensorInfo: false,
    sourceType: 'filesystem',
  });
  if (typeof info.metadata.general?.architecture !== 'string' || info.tensorCount === 0) {
    throw new Error('the GGUF header is incomplete (no architecture or no tensors)');
  }
}

async function checkReadable(modelPath: string): Promise<void> {
  try {
    const info = await stat(modelPath);
    if (!info.isFile()) throw new Error('not a file');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(err);
    throw new RbeesError(
      'MODEL_LOAD_FAILED',
      `${modelPath}: ${reason} — pass the path of a .gguf file to --model`,
    );
  }
}

/**
 * node-llama-cpp 3.21 has no option to choose the GPU device (llama.cpp's main_gpu/devices are not
 * exposed), so the device is chosen the way the GPU runtimes themselves allow: CUDA reads
 * CUDA_VISIBLE_DEVICES and ggml-vulkan reads GGML_VK_VISIBLE_DEVICES when they initialise, which
 * happens in getLlama, after this. The worker is its own process, so this touches nothing else.
 */
function selectGpuDevice(index: number): void {
  process.env.CUDA_VISIBLE_DEVICES = String(index);
  process.env.GGML_VK_VISIBLE_DEVICES = String(index);
}
