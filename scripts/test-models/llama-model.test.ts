import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, describe, expect, it } from 'vitest';
import { writeGguf } from './gguf-writer';
import { buildLlamaModel } from './llama-model';
import type { LlamaModelParams } from './llama-model';
import { SCRIPT_LONG_TEXT, SCRIPT_TEXT, TEST_MODELS } from './standard-models';
import { splitScript } from './vocab';
import type { ScriptPiece } from './vocab';

const dir = await mkdtemp(join(tmpdir(), 'llama-model-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function write(params: LlamaModelParams): Promise<{ path: string; sha256: string }> {
  const path = join(dir, `${params.name}-${params.seed}-${params.quant}.gguf`);
  await writeGguf(path, buildLlamaModel(params));
  const sha256 = createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
  return { path, sha256 };
}

/** What llama.cpp prints for the pieces: "▁" as a space, byte tokens as raw bytes. */
function decode(pieces: readonly ScriptPiece[]): string {
  const bytes = pieces.map((piece) =>
    piece.kind === 'byte' ? Buffer.of(piece.byte) : Buffer.from(piece.text.replaceAll('▁', ' ')),
  );
  return Buffer.concat(bytes).toString('utf8');
}

describe('splitScript', () => {
  it.each([SCRIPT_TEXT, SCRIPT_LONG_TEXT, 'a a a  b\n\tc ☕☕ a  ', 'é', 'x y'])(
    'cuts %j into unique pieces that decode to it',
    (script) => {
      const pieces = splitScript(script);
      expect(decode(pieces)).toBe(script);
      const keys = pieces.map((p) => (p.kind === 'byte' ? p.byte : p.text));
      expect(new Set(keys).size).toBe(keys.length);
    },
  );

  it('spells one non-ASCII word of the default script with byte tokens', () => {
    const pieces = splitScript(SCRIPT_TEXT);
    expect(pieces.filter((p) => p.kind === 'byte').map((p) => p.byte)).toEqual([
      ...Buffer.from(' —'),
    ]);
    expect(pieces.some((p) => p.kind === 'text' && p.text === '▁café')).toBe(true);
  });

  it('gives the long script more than 300 tokens', () => {
    expect(splitScript(SCRIPT_LONG_TEXT).length).toBeGreaterThan(300);
  });

  it('refuses an empty script, and one starting with a space that llama.cpp would drop', () => {
    expect(() => splitScript('')).toThrow(/empty/);
    expect(() => splitScript(' Hi')).toThrow(/whitespace/);
  });
});

describe('buildLlamaModel', () => {
  it('writes byte-identical files for the same params, different ones for another seed', async () => {
    const first = await write(TEST_MODELS.script);
    const again = await write(TEST_MODELS.script);
    const otherSeed = await write({ ...TEST_MODELS.script, seed: 2 });
    expect(again.sha256).toBe(first.sha256);
    expect(otherSeed.sha256).not.toBe(first.sha256);
  });

  it('writes the metadata llama.cpp needs', async () => {
    const { path } = await write(TEST_MODELS.script);
    const info = await readGgufFileInfo(path, { logWarnings: false });
    const { general, llama, tokenizer } = info.metadata as unknown as Record<
      string,
      Record<string, unknown>
    >;
    expect(general).toMatchObject({ architecture: 'llama', name: 'script', file_type: 0 });
    expect(llama).toMatchObject({
      context_length: 4096,
      embedding_length: 128,
      block_count: 2,
      feed_forward_length: 256,
      attention: { head_count: 4, head_count_kv: 4 },
    });
    expect(info.metadata.llama?.attention.layer_norm_rms_epsilon).toBeCloseTo(1e-5);
    const ggml = tokenizer?.ggml as { tokens: string[]; token_type: number[]; model: string };
    expect(ggml.model).toBe('llama');
    expect(ggml.tokens).toHaveLength(1024);
    expect(new Set(ggml.tokens).size).toBe(1024);
    expect(ggml.tokens.slice(0, 4)).toEqual(['<unk>', '<s>', '</s>', '<0x00>']);
    expect(ggml.token_type[3 + 0xff]).toBe(6); // <0xFF> is a byte token
    expect(tokenizer?.chat_template).toBeUndefined();
    expect(info.tensorInfo?.find((t) => t.name === 'token_embd.weight')?.dimensions).toEqual([
      128, 1024,
    ]);
  });

  it('writes Q8_0 weights with F32 norms, and a ChatML template on request', async () => {
    const { path } = await write({ ...TEST_MODELS.tiny, quant: 'q8_0', chatTemplate: 'chatml' });
    const info = await readGgufFileInfo(path, { logWarnings: false });
    const types = new Map(info.tensorInfo?.map((t) => [t.name, t.ggmlType]));
    expect(types.get('blk.0.ffn_down.weight')).toBe(8);
    expect(types.get('output.weight')).toBe(8);
    expect(types.get('blk.1.attn_norm.weight')).toBe(0);
    expect(info.metadata.general.file_type).toBe(7);
    expect(info.metadata.tokenizer.chat_template).toContain('<|im_start|>');
    expect(info.metadata.tokenizer.ggml.tokens).toContain('<|im_end|>');
  });

  it('rejects a vocab too small for the script and heads that do not divide embd', () => {
    expect(() => buildLlamaModel({ ...TEST_MODELS.scriptLong, vocab: 600 })).toThrow(/too small/);
    expect(() => buildLlamaModel({ ...TEST_MODELS.tiny, heads: 3 })).toThrow(/multiple/);
  });
});
