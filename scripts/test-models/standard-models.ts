/** The models that tests and benchmarks use, with fixed params so their files are cacheable. */
import type { LlamaModelParams } from './llama-model';
import { SCRIPT_CUT } from './vocab';

/** Punctuation, a byte-token word (" —") and multi-byte characters inside text tokens. */
export const SCRIPT_TEXT =
  'Hello from rbees — café ☕. The quick brown fox jumps over the lazy dog.';

/** ~330 tokens (one per number), so that a UI test can stop the reply midway. */
export const SCRIPT_LONG_TEXT = `Counting to 320 so that a test can stop me midway: ${Array.from(
  { length: 320 },
  (_, i) => i + 1,
).join(', ')}. Done.`;

/**
 * What the tool model calls, whatever it is asked: `get_weather` in node-llama-cpp's default call
 * syntax (the generated models' Llama 2 wrapper). Cut where node-llama-cpp's grammars switch (the
 * name, "(", the JSON arguments, ")"), so that each part ends on a token boundary.
 */
export const SCRIPT_TOOL_CALL = { name: 'get_weather', arguments: { city: 'Paris' } } as const;
const SCRIPT_TOOL_TEXT = ['||call:', ' get_weather', '(', '{"city":', ' "Paris"}', ')'].join(
  SCRIPT_CUT,
);

/** ~0.6M parameters: fast enough to stress per-token overhead (thousands of tokens/s). */
const TINY: Omit<LlamaModelParams, 'name'> = {
  vocab: 1024,
  embd: 128,
  layers: 2,
  heads: 4,
  headsKv: 4,
  ff: 256,
  ctx: 4096,
  seed: 1,
  quant: 'f32',
};

export type ModelKind = 'tiny' | 'script' | 'large';

/** Default params of each kind; the CLI may override any of them. */
export const KIND_DEFAULTS: Record<ModelKind, LlamaModelParams> = {
  tiny: { ...TINY, name: 'tiny' },
  script: { ...TINY, name: 'script', script: SCRIPT_TEXT },
  // ~270M parameters in Q8_0 (~290 MB): a benchmark model of a realistic per-token cost.
  large: {
    name: 'large',
    vocab: 32000,
    embd: 1024,
    layers: 16,
    heads: 16,
    headsKv: 16,
    ff: 2816,
    ctx: 4096,
    seed: 1,
    quant: 'q8_0',
  },
};

/** What tests get: tiny.gguf, script.gguf and script-long.gguf. */
export const TEST_MODELS = {
  tiny: KIND_DEFAULTS.tiny,
  script: KIND_DEFAULTS.script,
  scriptLong: { ...KIND_DEFAULTS.script, name: 'script-long', script: SCRIPT_LONG_TEXT },
  scriptTool: { ...KIND_DEFAULTS.script, name: 'script-tool', script: SCRIPT_TOOL_TEXT },
  // The long script on ~100M Q8_0 parameters: tens of tokens a second on one core, slow enough
  // for a person (or a browser test) to press Stop halfway through.
  scriptSlow: {
    ...KIND_DEFAULTS.large,
    name: 'script-slow',
    vocab: 1024,
    layers: 8,
    script: SCRIPT_LONG_TEXT,
  },
} satisfies Record<string, LlamaModelParams>;
