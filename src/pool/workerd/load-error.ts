import type { Backend } from './args';

/** Where loading stopped; each stage fails for its own reasons and has its own fix. */
export type LoadStage = 'runtime' | 'header' | 'model' | 'context';

/** A loading failure tagged with its stage, so the message can name the fix. */
export class LoadStageError extends Error {
  constructor(
    readonly stage: LoadStage,
    cause: unknown,
  ) {
    super(errorText(cause), { cause });
    this.name = 'LoadStageError';
  }
}

/**
 * `<model path>: <reason> — <fix>`, the message of MODEL_LOAD_FAILED. `llamaErrors` are llama.cpp's
 * last error log lines, which hold the real reason when node-llama-cpp only says it failed.
 */
export function describeLoadFailure(
  modelPath: string,
  backend: Backend,
  err: unknown,
  llamaErrors: readonly string[] = [],
): string {
  const stage = err instanceof LoadStageError ? err.stage : 'model';
  let reason = errorText(err instanceof LoadStageError ? err.cause : err);
  const detail = llamaDetail(llamaErrors);
  if (stage === 'model' && detail !== undefined) reason = `${reason}: ${detail}`;
  return `${modelPath}: ${reason} — ${fixFor(stage, backend, reason)}`;
}

/**
 * llama.cpp logs the cause first and generic lines after it: prefer the text after "error loading
 * model:" unless that is generic too ("failed to load model from ..."), then the first line.
 */
function llamaDetail(lines: readonly string[]): string | undefined {
  const marker = 'error loading model:';
  const marked = lines.findLast((line) => line.includes(marker));
  const detail = marked?.slice(marked.lastIndexOf(marker) + marker.length).trim();
  if (detail !== undefined && !/failed to load model/i.test(detail)) return detail;
  return lines[0];
}

function fixFor(stage: LoadStage, backend: Backend, reason: string): string {
  switch (stage) {
    case 'runtime':
      return backend === 'auto' || backend === 'cpu'
        ? 'reinstall rbees on this host (the llama.cpp binaries did not load)'
        : `this host cannot run --backend ${backend}; use --backend auto or cpu`;
    case 'header':
      return /magic/i.test(reason)
        ? 'this is not a GGUF model file; replace it with a .gguf model'
        : 'the GGUF file is damaged or incomplete; download it again';
    case 'model':
      if (/memory|alloc/i.test(reason)) {
        return 'not enough memory for this model; choose a smaller quantization or another GPU';
      }
      if (/architecture/i.test(reason)) {
        return "this llama.cpp does not know the model's architecture; update rbees on this host";
      }
      if (/corrupt|incomplete|file bounds|failed to read|exceeds/i.test(reason)) {
        return 'the GGUF file is damaged or incomplete; download it again';
      }
      return 'llama.cpp could not load this model; check the log above, or download it again';
    case 'context':
      return 'not enough memory for the context; lower --ctx or --slots';
  }
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  // One line: the message travels in a JSON line and in a log line.
  return text.replace(/\s+/g, ' ').trim() || 'unknown error';
}
