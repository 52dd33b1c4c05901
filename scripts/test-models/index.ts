/** Entry point for test setups (Vitest / Playwright globalSetup): makes sure the models exist. */
import { fileURLToPath } from 'node:url';
import { writeGguf } from './gguf-writer';
import { buildLlamaModel, type LlamaModelParams } from './llama-model';
import { ensureModelFile } from './model-file';
import { SCRIPT_LONG_TEXT, SCRIPT_TEXT, TEST_MODELS } from './standard-models';

export { SCRIPT_LONG_TEXT, SCRIPT_TEXT, SCRIPT_TOOL_CALL } from './standard-models';

export interface TestModels {
  /** random weights, ~0.6M parameters */
  tiny: string;
  /** replies exactly scriptText, then EOS, to any prompt */
  script: string;
  /** replies exactly scriptLongText (~330 tokens), then EOS */
  scriptLong: string;
  /** replies scriptLongText too, at tens of tokens a second (to stop it midway in a UI) */
  scriptSlow: string;
  /** calls SCRIPT_TOOL_CALL in node-llama-cpp's default call syntax, to any prompt */
  scriptTool: string;
  scriptText: string;
  scriptLongText: string;
}

/** $RBEES_TEST_MODELS, else .cache/test-models/ at the repo root (whatever the cwd). */
export function testModelsDir(): string {
  return (
    process.env.RBEES_TEST_MODELS ||
    fileURLToPath(new URL('../../.cache/test-models/', import.meta.url))
  );
}

/** Writes the test models into `dir` unless up to date there (then it takes a few ms). */
export async function ensureTestModels(dir = testModelsDir()): Promise<TestModels> {
  const tiny = await ensureModelFile(dir, TEST_MODELS.tiny);
  const script = await ensureModelFile(dir, TEST_MODELS.script);
  const scriptLong = await ensureModelFile(dir, TEST_MODELS.scriptLong);
  const scriptSlow = await ensureModelFile(dir, TEST_MODELS.scriptSlow);
  const scriptTool = await ensureModelFile(dir, TEST_MODELS.scriptTool);
  return {
    tiny: tiny.path,
    script: script.path,
    scriptLong: scriptLong.path,
    scriptSlow: scriptSlow.path,
    scriptTool: scriptTool.path,
    scriptText: SCRIPT_TEXT,
    scriptLongText: SCRIPT_LONG_TEXT,
  };
}

/**
 * A llama model of any shape on paper: its real header and tensor table, the tensor data a hole
 * (a sparse file, no disk used). Llama.cpp cannot run it; header readers see a model of its size.
 */
export async function writeSparseModel(
  path: string,
  shape: Omit<LlamaModelParams, 'seed' | 'name'> & { name?: string },
): Promise<number> {
  return writeGguf(path, buildLlamaModel({ seed: 1, name: 'sparse', ...shape }), { sparse: true });
}
