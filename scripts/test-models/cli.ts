/**
 * Generates GGUF test models, into $RBEES_TEST_MODELS or .cache/test-models/ unless --out.
 * A file already there with the same params (its NAME.params.json) is kept, not rewritten.
 *   tsx scripts/test-models/cli.ts            tiny, script and script-long into the test dir
 *   tsx scripts/test-models/cli.ts --kind large              the ~270M Q8_0 benchmark model
 *   tsx scripts/test-models/cli.ts --kind script --script "Hi there." --name hi --out /tmp/m
 * Options: --out DIR --kind tiny|script|large --script TEXT --name NAME --vocab N --embd N
 *   --layers N --ff N --heads N --heads-kv N --ctx N --seed N --quant f32|q8_0
 *   --chat-template chatml|none
 */
import { parseArgs } from 'node:util';
import { testModelsDir } from './index';
import type { LlamaModelParams } from './llama-model';
import { ensureModelFile } from './model-file';
import { KIND_DEFAULTS, TEST_MODELS } from './standard-models';
import type { ModelKind } from './standard-models';

const NUMBER_OPTIONS = {
  vocab: 'vocab',
  embd: 'embd',
  layers: 'layers',
  ff: 'ff',
  heads: 'heads',
  'heads-kv': 'headsKv',
  ctx: 'ctx',
  seed: 'seed',
} as const satisfies Record<string, keyof LlamaModelParams>;

const parse = () =>
  parseArgs({
    options: {
      out: { type: 'string' },
      kind: { type: 'string' },
      script: { type: 'string' },
      name: { type: 'string' },
      quant: { type: 'string' },
      'chat-template': { type: 'string' },
      ...Object.fromEntries(
        Object.keys(NUMBER_OPTIONS).map((option) => [option, { type: 'string' } as const]),
      ),
    },
    strict: true,
  }).values;
type Options = ReturnType<typeof parse>;

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((item) => item === value);
  if (found === undefined) throw new Error(`--${option} must be one of ${allowed.join(', ')}`);
  return found;
}

/** The params of one model from --kind and the overriding options. */
function paramsFromOptions(values: Options): LlamaModelParams {
  const kind = oneOf<ModelKind>('kind', values.kind ?? 'tiny', ['tiny', 'script', 'large']);
  const params: LlamaModelParams = { ...KIND_DEFAULTS[kind] };
  for (const [option, key] of Object.entries(NUMBER_OPTIONS)) {
    const text = (values as Record<string, string | undefined>)[option];
    if (text === undefined) continue;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${option} needs an integer`);
    params[key] = value;
  }
  if (values.name !== undefined) params.name = values.name;
  if (values.script !== undefined) params.script = values.script;
  if (values.quant !== undefined)
    params.quant = oneOf<'f32' | 'q8_0'>('quant', values.quant, ['f32', 'q8_0']);
  const template = values['chat-template'];
  if (template !== undefined)
    params.chatTemplate = oneOf<'chatml' | 'none'>('chat-template', template, ['chatml', 'none']);
  return params;
}

async function main(): Promise<void> {
  const values = parse();
  const customized = Object.keys(values).some((option) => option !== 'out');
  const models = customized ? [paramsFromOptions(values)] : Object.values(TEST_MODELS);
  const dir = values.out ?? testModelsDir();
  for (const params of models) {
    const file = await ensureModelFile(dir, params);
    const size = `${(file.bytes / 1e6).toFixed(1)} MB`;
    const status = file.written ? `written in ${Math.round(file.ms)} ms` : 'up to date';
    console.log(`${file.path}  ${size}  ${status}`);
  }
}

main().catch((error: unknown) => {
  // A usage error needs its message, not a stack trace.
  console.error(`test-models: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
