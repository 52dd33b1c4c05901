/**
 * The header reader on bytes built here (pure, like the reader). The generated models and
 * node-llama-cpp's reader as the reference: scripts/test-models/gguf-header.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { checkGgufFile, readGgufHeader, type GgufHeaderResult } from './gguf-header';

const enc = new TextEncoder();
const bytes = (size: number, write: (v: DataView) => void): Uint8Array => {
  const out = new Uint8Array(size);
  write(new DataView(out.buffer));
  return out;
};
const u32 = (n: number) => bytes(4, (v) => v.setUint32(0, n, true));
const u64 = (n: bigint) => bytes(8, (v) => v.setBigUint64(0, n, true));
const join = (parts: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const concat = (...parts: Uint8Array[]) => join(parts);
const str = (s: string) => concat(u64(BigInt(enc.encode(s).length)), enc.encode(s));
const kv = (key: string, type: number, value: Uint8Array) => concat(str(key), u32(type), value);
const array = (type: number, items: Uint8Array[]) =>
  concat(u32(type), u64(BigInt(items.length)), join(items));

/** A GGUF v3 file with a key of every value type (arrays of arrays too) and one F32 tensor. */
function allTypesModel(vocabulary = 3): Uint8Array {
  const metadata = [
    kv('test.context_length', 4, u32(32768)), // before general.architecture, on purpose
    kv('general.architecture', 8, str('test')),
    kv('general.name', 8, str('All Types')),
    kv('general.size_label', 8, str('7B')),
    kv('general.parameter_count', 10, u64(7_241_732_096n)),
    kv('general.file_type', 4, u32(15)),
    kv('t.u8', 0, new Uint8Array([200])),
    kv(
      't.i8',
      1,
      bytes(1, (v) => v.setInt8(0, -5)),
    ),
    kv(
      't.u16',
      2,
      bytes(2, (v) => v.setUint16(0, 60000, true)),
    ),
    kv(
      't.i16',
      3,
      bytes(2, (v) => v.setInt16(0, -300, true)),
    ),
    kv(
      't.i32',
      5,
      bytes(4, (v) => v.setInt32(0, -70000, true)),
    ),
    kv(
      't.f32',
      6,
      bytes(4, (v) => v.setFloat32(0, 1.5, true)),
    ),
    kv('t.bool', 7, new Uint8Array([1])),
    kv(
      't.i64',
      11,
      bytes(8, (v) => v.setBigInt64(0, -5n, true)),
    ),
    kv(
      't.f64',
      12,
      bytes(8, (v) => v.setFloat64(0, 2.25, true)),
    ),
    kv(
      't.tokens',
      9,
      array(
        8,
        Array.from({ length: vocabulary }, (_, i) => str(`tok${i}`)),
      ),
    ),
    kv('t.scores', 9, array(6, [u32(0), u32(0)])),
    kv('t.nested', 9, array(9, [array(4, [u32(1), u32(2)]), array(8, [str('x')])])),
  ];
  const tensor = concat(str('w'), u32(2), u64(4n), u64(2n), u32(0), u64(0n));
  const head = concat(new TextEncoder().encode('GGUF'), u32(3), u64(1n), u64(18n), ...metadata);
  const withTensor = concat(head, tensor);
  const padding = new Uint8Array((32 - (withTensor.length % 32)) % 32);
  return concat(withTensor, padding, new Uint8Array(8 * 4));
}

let big: Uint8Array | undefined;
/** Built once: 100k tokens, past the first 1 MiB read. */
const bigModel = () => (big ??= allTypesModel(100_000));

function header(result: GgufHeaderResult) {
  if (result.ok !== true) throw new Error(`expected a header, got ${JSON.stringify(result)}`);
  return result.header;
}

function refusal(result: GgufHeaderResult) {
  if (result.ok !== false) throw new Error(`expected a refusal, got ${JSON.stringify(result)}`);
  return result;
}

const read = (file: Uint8Array, fileName = 'x.gguf') =>
  readGgufHeader(file, { fileName, fileSize: file.length });

describe('readGgufHeader', () => {
  it('reads every value type and the facts it looks for', () => {
    const file = allTypesModel();
    expect(header(read(file))).toEqual({
      version: 3,
      tensorCount: 1,
      metadataKvCount: 18,
      architecture: 'test',
      name: 'All Types',
      sizeLabel: '7B',
      parameterCount: 7_241_732_096,
      fileType: 15,
      fileTypeName: 'Q4_K_M',
      contextLength: 32768,
      metadataEnd: expect.any(Number) as number,
      dataOffset: file.length - 32,
      minFileSize: file.length,
      complete: true,
    });
  });

  it('asks for more bytes while the prefix ends inside the header, then reads it', async () => {
    const file = bigModel(); // a 1.6 MB vocabulary, like a real tokenizer
    const first = readGgufHeader(file.subarray(0, 1000), {
      fileName: 'big.gguf',
      fileSize: file.length,
    });
    expect(first).toEqual({ ok: 'need_more', bytes: expect.any(Number) as number });
    const reads: number[] = [];
    const result = await checkGgufFile(
      { fileName: 'big.gguf', fileSize: file.length },
      async (n) => {
        reads.push(n);
        return file.subarray(0, n);
      },
    );
    expect(header(result)).toMatchObject({ complete: true, minFileSize: file.length });
    expect(reads[0]).toBe(1024 * 1024);
    expect(reads.length).toBeGreaterThan(1);
    expect(reads.every((n, i) => i === 0 || n > (reads[i - 1] ?? 0))).toBe(true);
  });

  it('stops at the limit and reports the facts read before it', async () => {
    const file = bigModel();
    const result = await checkGgufFile(
      { fileName: 'big.gguf', fileSize: file.length, limit: 200_000 },
      async (n) => file.subarray(0, n),
    );
    expect(header(result)).toMatchObject({
      complete: false,
      architecture: 'test',
      fileTypeName: 'Q4_K_M',
      contextLength: 32768,
      minFileSize: 0,
    });
  });

  it('refuses files that are not GGUF, in words naming them', () => {
    const zip = refusal(read(enc.encode('PK\x03\x04 and more'), 'weights.bin'));
    expect(zip.reason).toBe('not_gguf');
    expect(zip.message).toMatch(
      /^weights\.bin is not a GGUF model: it starts with 50 4B 03 04 \("PK\.\."\)/,
    );
    expect(refusal(read(new Uint8Array(0), 'e.gguf')).message).toBe(
      'e.gguf is not a GGUF model: the file is empty.',
    );
  });

  it('refuses random bytes, and random bytes after a GGUF magic, without throwing', () => {
    let seed = 42;
    const random = (n: number) =>
      Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    for (let i = 0; i < 200; i++) {
      const file = random(2048);
      if (i % 2 === 1) file.set(concat(enc.encode('GGUF'), u32(2 + (i % 4 === 1 ? 1 : 0))));
      expect(read(file).ok).toBe(false);
    }
  });

  it('refuses a file cut inside its metadata or its tensor data', () => {
    const file = allTypesModel();
    const cutMeta = refusal(read(file.subarray(0, 120), 'cut.gguf'));
    expect(cutMeta.reason).toBe('truncated');
    expect(cutMeta.message).toMatch(/^cut\.gguf is cut short: its header needs/);
    const cutData = refusal(read(file.subarray(0, file.length - 1), 'cut.gguf'));
    expect(cutData.message).toContain(`its tensors need ${file.length} bytes`);
  });

  it('refuses a damaged value type and versions other than 2 and 3', () => {
    const file = allTypesModel();
    const damaged = file.slice();
    damaged.set(u32(99), 24 + str('test.context_length').length);
    expect(refusal(read(damaged)).message).toMatch(/value type 99 .*damaged/);
    const v1 = file.slice();
    v1.set(u32(1), 4);
    expect(refusal(read(v1)).reason).toBe('unsupported_version');
  });
});
