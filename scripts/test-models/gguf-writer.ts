/**
 * A minimal GGUF v3 writer: enough of the format for llama.cpp to load a model we make ourselves
 * (no weights can be downloaded here). Tensors are streamed to the file chunk by chunk, so a
 * ~300 MB model never sits in memory whole.
 */
import { open } from 'node:fs/promises';
import { GGML_TYPE_ID, Q8_0_BLOCK, quantizeQ8_0, tensorByteSize } from './ggml-quant';
import type { TensorType } from './ggml-quant';

export type GgufValue =
  | { type: 'uint32'; value: number }
  | { type: 'int32'; value: number }
  | { type: 'float32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: readonly string[] }
  | { type: 'float32[]'; value: ArrayLike<number> }
  | { type: 'int32[]'; value: ArrayLike<number> };

/** Key-value pairs in file order (an array, not an object, so the order is explicit). */
export type GgufMetadata = ReadonlyArray<readonly [key: string, value: GgufValue]>;

export interface GgufTensor {
  name: string;
  /** ggml order: dims[0] is the row length (the input dimension of a weight matrix). */
  dims: readonly number[];
  type: TensorType;
  /**
   * Yields the tensor's values in order, in chunks of whole rows. A function, not an array, so
   * each tensor is computed only while it is written (and writing twice gives the same bytes).
   */
  data: () => Iterable<Float32Array>;
}

const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
const GGUF_VERSION = 3;
/** The default of general.alignment; tensor data offsets must be multiples of it. */
export const GGUF_ALIGNMENT = 32;

// gguf_type ids of the value types we write.
const VALUE_TYPE = { uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9 } as const;

/** Collects the header in small buffers; only the header is built in memory. */
class HeaderBuilder {
  private readonly parts: Buffer[] = [];
  private length = 0;

  private push(part: Buffer): void {
    this.parts.push(part);
    this.length += part.length;
  }
  private fixed(size: number, write: (buffer: Buffer) => void): void {
    const buffer = Buffer.alloc(size);
    write(buffer);
    this.push(buffer);
  }
  u32(value: number): void {
    this.fixed(4, (b) => b.writeUInt32LE(value));
  }
  i32(value: number): void {
    this.fixed(4, (b) => b.writeInt32LE(value));
  }
  f32(value: number): void {
    this.fixed(4, (b) => b.writeFloatLE(value));
  }
  u64(value: number): void {
    this.fixed(8, (b) => b.writeBigUInt64LE(BigInt(value)));
  }
  bool(value: boolean): void {
    this.fixed(1, (b) => b.writeUInt8(value ? 1 : 0));
  }
  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }
  padTo(alignment: number): void {
    const pad = (alignment - (this.length % alignment)) % alignment;
    if (pad > 0) this.push(Buffer.alloc(pad));
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.parts, this.length);
  }
}

function writeValue(out: HeaderBuilder, value: GgufValue): void {
  switch (value.type) {
    case 'uint32':
      out.u32(VALUE_TYPE.uint32);
      return out.u32(value.value);
    case 'int32':
      out.u32(VALUE_TYPE.int32);
      return out.i32(value.value);
    case 'float32':
      out.u32(VALUE_TYPE.float32);
      return out.f32(value.value);
    case 'bool':
      out.u32(VALUE_TYPE.bool);
      return out.bool(value.value);
    case 'string':
      out.u32(VALUE_TYPE.string);
      return out.string(value.value);
    case 'string[]':
      writeArrayHeader(out, VALUE_TYPE.string, value.value.length);
      for (const item of value.value) out.string(item);
      return;
    case 'float32[]':
      writeArrayHeader(out, VALUE_TYPE.float32, value.value.length);
      for (let i = 0; i < value.value.length; i++) out.f32(value.value[i] ?? 0);
      return;
    case 'int32[]':
      writeArrayHeader(out, VALUE_TYPE.int32, value.value.length);
      for (let i = 0; i < value.value.length; i++) out.i32(value.value[i] ?? 0);
      return;
  }
}

function writeArrayHeader(out: HeaderBuilder, itemType: number, count: number): void {
  out.u32(VALUE_TYPE.array);
  out.u32(itemType);
  out.u64(count);
}

/** Fills `out` with row `row` of a tensor. */
export type RowFunction = (row: number, out: Float32Array) => void;

/** Values per chunk: big enough to make writes cheap, small enough for any model's memory. */
const CHUNK_VALUES = 1 << 16;

/** A GgufTensor.data for a rowCount x rowLength tensor: chunks of whole rows in one reused buffer. */
export function* rowChunks(
  rowCount: number,
  rowLength: number,
  fillRow: RowFunction,
): Generator<Float32Array> {
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK_VALUES / rowLength));
  const buffer = new Float32Array(rowsPerChunk * rowLength);
  for (let first = 0; first < rowCount; first += rowsPerChunk) {
    const rows = Math.min(rowsPerChunk, rowCount - first);
    for (let r = 0; r < rows; r++) {
      fillRow(first + r, buffer.subarray(r * rowLength, (r + 1) * rowLength));
    }
    yield buffer.subarray(0, rows * rowLength);
  }
}

export interface GgufFile {
  metadata: GgufMetadata;
  tensors: readonly GgufTensor[];
}

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  // F32 data is written straight from Float32Array memory, which is little-endian only on such hosts.
  throw new Error('gguf-writer needs a little-endian host');
}

const alignUp = (value: number): number => Math.ceil(value / GGUF_ALIGNMENT) * GGUF_ALIGNMENT;
const elementCount = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/**
 * Writes `file` to `path` (GGUF v3, little-endian) and returns its size in bytes. `sparse`: the
 * header only, the file extended to its full size with a hole for the tensor data (reads as
 * zeros, uses no disk): a model of any size on paper, for what reads headers (fit estimates).
 */
export async function writeGguf(
  path: string,
  file: GgufFile,
  options: { sparse?: boolean } = {},
): Promise<number> {
  const header = new HeaderBuilder();
  header.u32(GGUF_MAGIC);
  header.u32(GGUF_VERSION);
  header.u64(file.tensors.length);
  header.u64(file.metadata.length);
  for (const [key, value] of file.metadata) {
    header.string(key);
    writeValue(header, value);
  }
  let dataSize = 0;
  for (const tensor of file.tensors) {
    if (tensor.type === 'q8_0' && (tensor.dims[0] ?? 0) % Q8_0_BLOCK !== 0) {
      throw new Error(`${tensor.name}: Q8_0 needs dims[0] % ${Q8_0_BLOCK} === 0`);
    }
    header.string(tensor.name);
    header.u32(tensor.dims.length);
    for (const dim of tensor.dims) header.u64(dim);
    header.u32(GGML_TYPE_ID[tensor.type]);
    header.u64(dataSize); // offsets are relative to the start of the data section
    dataSize += alignUp(tensorByteSize(tensor.type, elementCount(tensor.dims)));
  }
  header.padTo(GGUF_ALIGNMENT);
  const headerBytes = header.toBuffer();

  const handle = await open(path, 'w');
  try {
    await handle.write(headerBytes);
    if (options.sparse) await handle.truncate(headerBytes.length + dataSize);
    else for (const tensor of file.tensors) await writeTensorData(handle, tensor);
  } finally {
    await handle.close();
  }
  return headerBytes.length + dataSize;
}

type FileHandle = Awaited<ReturnType<typeof open>>;

async function writeTensorData(handle: FileHandle, tensor: GgufTensor): Promise<void> {
  const expected = elementCount(tensor.dims);
  const rowLength = tensor.dims[0] ?? 1;
  let written = 0;
  for (const chunk of tensor.data()) {
    if (chunk.length % rowLength !== 0) throw new Error(`${tensor.name}: chunk of partial rows`);
    written += chunk.length;
    if (written > expected) break;
    await handle.write(encode(tensor.type, chunk));
  }
  if (written !== expected) {
    throw new Error(`${tensor.name}: got ${written} values, expected ${expected}`);
  }
  const size = tensorByteSize(tensor.type, expected);
  const padding = alignUp(size) - size;
  if (padding > 0) await handle.write(Buffer.alloc(padding));
}

function encode(type: TensorType, values: Float32Array): Buffer {
  switch (type) {
    case 'f32':
      return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    case 'q8_0': {
      const out = Buffer.allocUnsafe(tensorByteSize('q8_0', values.length));
      quantizeQ8_0(values, out, 0);
      return out;
    }
  }
}
