import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, describe, expect, it } from 'vitest';
import { float32ToFloat16 } from './ggml-quant';
import { rowChunks, writeGguf } from './gguf-writer';
import type { GgufFile } from './gguf-writer';

const dir = await mkdtemp(join(tmpdir(), 'gguf-writer-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

// 64 values: two Q8_0 blocks, the second with the largest magnitude negative.
const values = Float32Array.from({ length: 64 }, (_, i) => (i < 32 ? i / 10 : -(i - 31) / 4));

const file: GgufFile = {
  metadata: [
    ['test.u32', { type: 'uint32', value: 4_000_000_000 }],
    ['test.i32', { type: 'int32', value: -7 }],
    ['test.f32', { type: 'float32', value: 0.5 }],
    ['test.bool', { type: 'bool', value: true }],
    ['test.string', { type: 'string', value: 'café ☕' }],
    ['test.strings', { type: 'string[]', value: ['a', '', '▁b'] }],
    ['test.floats', { type: 'float32[]', value: [1.5, -2] }],
    ['test.ints', { type: 'int32[]', value: [3, -4] }],
  ],
  tensors: [
    // 2 chunks of one row each: data is streamed, not handed over whole.
    { name: 'f32', dims: [32, 2], type: 'f32', data: () => rowChunks(2, 32, fillFrom(values)) },
    { name: 'q8', dims: [64], type: 'q8_0', data: () => [values] },
    { name: 'odd', dims: [3], type: 'f32', data: () => [Float32Array.of(1, 2, 3)] },
  ],
};

function fillFrom(source: Float32Array) {
  return (row: number, out: Float32Array): void =>
    out.set(source.subarray(row * out.length, (row + 1) * out.length));
}

const sha256 = async (path: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

describe('float32ToFloat16', () => {
  it('rounds to nearest even like ggml', () => {
    expect(float32ToFloat16(1)).toBe(0x3c00);
    expect(float32ToFloat16(-2)).toBe(0xc000);
    expect(float32ToFloat16(0.1)).toBe(0x2e66);
    expect(float32ToFloat16(65504)).toBe(0x7bff);
    expect(float32ToFloat16(65520)).toBe(0x7c00); // rounds up to infinity
    expect(float32ToFloat16(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(float32ToFloat16(2 ** -26)).toBe(0); // below half of it
    expect(float32ToFloat16(Number.NaN)).toBe(0x7e00);
    expect(float32ToFloat16(1 + 2 ** -11)).toBe(0x3c00); // a tie goes to the even mantissa
  });
});

describe('writeGguf', () => {
  it('writes a GGUF v3 file that node-llama-cpp reads back', async () => {
    const path = join(dir, 'all.gguf');
    const size = await writeGguf(path, file);
    const bytes = await readFile(path);
    expect(bytes.length).toBe(size);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('GGUF');

    const info = await readGgufFileInfo(path, { logWarnings: false });
    expect(info.version).toBe(3);
    const metadata = info.metadata as unknown as { test: Record<string, unknown> };
    expect(metadata.test).toEqual({
      u32: 4_000_000_000,
      i32: -7,
      f32: 0.5,
      bool: true,
      string: 'café ☕',
      strings: ['a', '', '▁b'],
      floats: [1.5, -2],
      ints: [3, -4],
    });
    const tensors = info.tensorInfo ?? [];
    expect(tensors.map((t) => [t.name, t.dimensions.map(Number), t.ggmlType])).toEqual([
      ['f32', [32, 2], 0],
      ['q8', [64], 8],
      ['odd', [3], 0],
    ]);
    // Every tensor starts on a 32-byte boundary, and the file ends after the last one's padding.
    for (const tensor of tensors) expect(Number(tensor.fileOffset) % 32).toBe(0);
    const at = (name: string): number => Number(tensors.find((t) => t.name === name)?.fileOffset);

    const f32 = new Float32Array(bytes.buffer.slice(at('f32'), at('f32') + 64 * 4));
    expect(f32).toEqual(values);
    for (let block = 0; block < 2; block++) {
      const start = at('q8') + block * 34;
      const scale = bytes.readUInt16LE(start);
      expect(scale).toBe(float32ToFloat16(block === 0 ? 3.1 / 127 : 8 / 127));
      for (let i = 0; i < 32; i++) {
        const expected = Math.round(((values[block * 32 + i] ?? 0) * 127) / (block ? 8 : 3.1));
        expect(bytes.readInt8(start + 2 + i)).toBe(expected);
      }
    }
    expect(size).toBe(at('odd') + 32);
  });

  it('is deterministic', async () => {
    await writeGguf(join(dir, 'a.gguf'), file);
    await writeGguf(join(dir, 'b.gguf'), file);
    expect(await sha256(join(dir, 'a.gguf'))).toBe(await sha256(join(dir, 'b.gguf')));
  });

  it('rejects data that does not match the dims', async () => {
    const short: GgufFile = {
      metadata: [],
      tensors: [{ name: 't', dims: [4, 2], type: 'f32', data: () => [new Float32Array(4)] }],
    };
    await expect(writeGguf(join(dir, 'short.gguf'), short)).rejects.toThrow(/got 4 values/);
    const unaligned: GgufFile = {
      metadata: [],
      tensors: [{ name: 't', dims: [16], type: 'q8_0', data: () => [new Float32Array(16)] }],
    };
    await expect(writeGguf(join(dir, 'q.gguf'), unaligned)).rejects.toThrow(/Q8_0/);
  });
});
