/**
 * Reads a GGUF file's header from a prefix of its bytes, so a browser can check a dropped file
 * before a single byte is uploaded. Hand-written rather than `@huggingface/gguf` (not installed
 * here, and no packages can be added) or node-llama-cpp (Node only): it needs only the
 * little-endian layout of https://github.com/ggml-org/ggml/blob/master/docs/gguf.md.
 * Its facts are checked against node-llama-cpp's `readGgufFileInfo` in gguf-header.test.ts.
 */
import { ARRAY, Cursor, Damaged, OutOfBytes } from './gguf-cursor';

/** What a header says about the model; fields are absent when the file does not state them. */
export interface GgufHeader {
  version: 2 | 3;
  tensorCount: number;
  metadataKvCount: number;
  architecture?: string;
  name?: string;
  sizeLabel?: string;
  parameterCount?: number;
  /** `general.file_type`, llama.cpp's `llama_ftype`; `fileTypeName` is its quant name (Q4_K_M). */
  fileType?: number;
  fileTypeName?: string;
  contextLength?: number;
  /** Offset where the metadata key/values end; undefined when not read to the end. */
  metadataEnd?: number;
  /** Offset of the tensor data; undefined when the tensor table was not read to the end. */
  dataOffset?: number;
  /** Bytes the file must have to hold every tensor it declares (0 when the table was not read). */
  minFileSize: number;
  /** False when the header is longer than the read limit: the facts are those before it. */
  complete: boolean;
}

export type GgufRefusal = 'not_gguf' | 'unsupported_version' | 'truncated';

export type GgufHeaderResult =
  | { ok: true; header: GgufHeader }
  | { ok: false; reason: GgufRefusal; message: string }
  /** The prefix ended inside the header: read at least `bytes` bytes of the file and try again. */
  | { ok: 'need_more'; bytes: number };

export interface GgufReadOptions {
  /** The file's name, for messages. */
  fileName: string;
  /** The whole file's size: a header claiming more than this is a truncated file. */
  fileSize: number;
  /** Beyond this prefix length, report the facts gathered so far instead of asking for more. */
  limit?: number;
}

export const GGUF_READ_LIMIT = 64 * 1024 * 1024;
const FIRST_READ = 1024 * 1024;
const DEFAULT_ALIGNMENT = 32;

/** `general.file_type` names, from node-llama-cpp 3.21's `GgufFileType` enum (MOSTLY_ dropped). */
export const FILE_TYPE_NAMES: readonly string[] = [
  'F32', 'F16', 'Q4_0', 'Q4_1', 'Q4_1_SOME_F16', 'Q4_2', 'Q4_3', 'Q8_0', 'Q5_0', 'Q5_1', // 0-9
  'Q2_K', 'Q3_K_S', 'Q3_K_M', 'Q3_K_L', 'Q4_K_S', 'Q4_K_M', 'Q5_K_S', 'Q5_K_M', 'Q6_K', // 10-18
  'IQ2_XXS', 'IQ2_XS', 'Q2_K_S', 'IQ3_XS', 'IQ3_XXS', 'IQ1_S', 'IQ4_NL', 'IQ3_S', 'IQ3_M', // 19-27
  'IQ2_S', 'IQ2_M', 'IQ4_XS', 'IQ1_M', 'BF16', 'Q4_0_4_4', 'Q4_0_4_8', 'Q4_0_8_8', // 28-35
  'TQ1_0', 'TQ2_0', 'MXFP4_MOE', 'NVFP4', 'Q1_0', 'Q2_0', // 36-41
]; // prettier-ignore

/**
 * [elements per block, bytes per block] by ggml type id (node-llama-cpp's `GgmlType` numbering;
 * sizes from ggml's type_traits, checked against llama.cpp's own in the test). Unknown types
 * count as 0 bytes, so the size check stays a lower bound instead of a false alarm.
 */
export const GGML_BLOCKS: Readonly<Record<number, readonly [number, number]>> = {
  0: [1, 4], 1: [1, 2], 2: [32, 18], 3: [32, 20], 6: [32, 22], 7: [32, 24], 8: [32, 34],
  9: [32, 36], 10: [256, 84], 11: [256, 110], 12: [256, 144], 13: [256, 176], 14: [256, 210],
  15: [256, 292], 16: [256, 66], 17: [256, 74], 18: [256, 98], 19: [256, 50], 20: [32, 18],
  21: [256, 110], 22: [256, 82], 23: [256, 136], 24: [1, 1], 25: [1, 2], 26: [1, 4], 27: [1, 8],
  28: [1, 8], 29: [256, 56], 30: [1, 2], 34: [256, 54], 35: [256, 66], 39: [32, 17],
}; // prettier-ignore

/** Reads the header from `prefix`, the first bytes of a file of `fileSize` bytes. */
export function readGgufHeader(prefix: Uint8Array, options: GgufReadOptions): GgufHeaderResult {
  const { fileName, fileSize, limit = GGUF_READ_LIMIT } = options;
  const magic = prefix.subarray(0, 4);
  if (fileSize === 0) return notGguf(`${fileName} is not a GGUF model: the file is empty.`);
  if (magic.length < 4 && magic.length < fileSize) return { ok: 'need_more', bytes: 4 };
  if (String.fromCharCode(...magic) !== 'GGUF') {
    return notGguf(
      `${fileName} is not a GGUF model: it starts with ${describeBytes(magic)}, not "GGUF". ` +
        "Pick a .gguf file, or convert the model with llama.cpp's convert_hf_to_gguf.py.",
    );
  }
  const cursor = new Cursor(prefix);
  const facts: Partial<GgufHeader> = {};
  try {
    cursor.skip(4);
    const version = cursor.u32();
    if (version !== 2 && version !== 3) return unsupported(fileName, version);
    facts.version = version;
    facts.tensorCount = cursor.u64();
    facts.metadataKvCount = cursor.u64();
    // Each key/value takes at least 13 bytes and each tensor entry 24: a count beyond what the
    // file can hold is a damaged header, said at once instead of after reading up to the limit.
    const floor = 24 + facts.metadataKvCount * 13 + facts.tensorCount * 24;
    if (floor > fileSize) throw new OutOfBytes(floor);
    let alignment = DEFAULT_ALIGNMENT;
    // `<arch>.context_length` may come before `general.architecture`: matched once both are read.
    const lengths = new Map<string, number>();
    for (let i = 0; i < facts.metadataKvCount; i++) {
      const key = cursor.string();
      const type = cursor.u32();
      if (!WANTED.has(key) && !key.endsWith('.context_length')) {
        cursor.skipValue(type);
        continue;
      }
      const value = type === ARRAY ? (cursor.skipValue(type), undefined) : cursor.scalar(type);
      if (key === 'general.alignment' && typeof value === 'number' && value > 0) alignment = value;
      else if (key.endsWith('.context_length') && typeof value === 'number')
        lengths.set(key, value);
      else remember(facts, key, value);
      const contextLength = lengths.get(`${facts.architecture}.context_length`);
      if (contextLength !== undefined) facts.contextLength = contextLength;
    }
    facts.metadataEnd = cursor.offset;
    facts.minFileSize = readTensorTable(cursor, facts.tensorCount, alignment, facts);
  } catch (err) {
    if (err instanceof Damaged) {
      return notGguf(`${fileName} is not a valid GGUF model: ${err.detail} (the file is damaged).`);
    }
    if (!(err instanceof OutOfBytes)) throw err;
    if (err.needed > fileSize) return truncated(fileName, 'header', err.needed, fileSize);
    if (prefix.length < limit && prefix.length < fileSize) {
      return { ok: 'need_more', bytes: Math.min(err.needed, fileSize) };
    }
    return { ok: true, header: finish(facts, false) };
  }
  if (facts.minFileSize > fileSize) {
    return truncated(fileName, 'tensors', facts.minFileSize, fileSize);
  }
  return { ok: true, header: finish(facts, true) };
}

/**
 * Reads as much of the file as the header needs, starting with 1 MiB and growing (at least
 * doubling) up to `limit`; `read(length)` returns the file's first `length` bytes.
 */
export async function checkGgufFile(
  options: GgufReadOptions,
  read: (length: number) => Promise<Uint8Array>,
): Promise<Exclude<GgufHeaderResult, { ok: 'need_more' }>> {
  const limit = options.limit ?? GGUF_READ_LIMIT;
  let length = Math.min(FIRST_READ, options.fileSize, limit);
  for (;;) {
    const result = readGgufHeader(await read(length), options);
    if (result.ok !== 'need_more') return result;
    length = Math.min(Math.max(result.bytes, length * 2), options.fileSize, limit);
  }
}

const WANTED = new Set([
  'general.architecture',
  'general.name',
  'general.size_label',
  'general.parameter_count',
  'general.file_type',
]);

function remember(facts: Partial<GgufHeader>, key: string, value: unknown): void {
  if (typeof value === 'string') {
    if (key === 'general.architecture') facts.architecture = value;
    else if (key === 'general.name') facts.name = value;
    else if (key === 'general.size_label') facts.sizeLabel = value;
  } else if (typeof value === 'number') {
    if (key === 'general.parameter_count') facts.parameterCount = value;
    else if (key === 'general.file_type') {
      facts.fileType = value;
      facts.fileTypeName = FILE_TYPE_NAMES[value];
    }
  }
}

/** Reads the tensor table; returns where the last tensor's data ends (the file's least size). */
function readTensorTable(
  cursor: Cursor,
  count: number,
  alignment: number,
  facts: Partial<GgufHeader>,
): number {
  let extent = 0;
  for (let i = 0; i < count; i++) {
    const name = cursor.string();
    const dims = cursor.u32();
    if (dims > 8) throw new Damaged(`tensor ${JSON.stringify(name)} claims ${dims} dimensions`);
    let elements = 1;
    for (let d = 0; d < dims; d++) elements *= cursor.u64();
    const [perBlock, blockBytes] = GGML_BLOCKS[cursor.u32()] ?? [1, 0];
    const offset = cursor.u64();
    extent = Math.max(extent, offset + Math.ceil(elements / perBlock) * blockBytes);
  }
  facts.dataOffset = Math.ceil(cursor.offset / alignment) * alignment;
  return facts.dataOffset + extent;
}

function finish(facts: Partial<GgufHeader>, complete: boolean): GgufHeader {
  // The version and counts come first in the file and are read before any OutOfBytes beyond
  // the limit: the limit is megabytes, they are the first 24 bytes.
  return {
    version: facts.version ?? 3,
    tensorCount: facts.tensorCount ?? 0,
    metadataKvCount: facts.metadataKvCount ?? 0,
    ...facts,
    minFileSize: complete ? (facts.minFileSize ?? 0) : 0,
    complete,
  };
}

function notGguf(message: string): GgufHeaderResult {
  return { ok: false, reason: 'not_gguf', message };
}

function unsupported(fileName: string, version: number): GgufHeaderResult {
  const hint =
    version > 0xffff
      ? ' (a big-endian file, which this computer cannot load)'
      : version === 1
        ? ' (the first GGUF version, from 2023: convert the model again with a current llama.cpp)'
        : '';
  return {
    ok: false,
    reason: 'unsupported_version',
    message: `${fileName} is GGUF version ${version}${hint}; llama.cpp reads versions 2 and 3.`,
  };
}

function truncated(
  fileName: string,
  part: 'header' | 'tensors',
  needed: number,
  fileSize: number,
): GgufHeaderResult {
  const have = `${fileSize.toLocaleString('en-US')} bytes`;
  const want = needed >= Number.MAX_SAFE_INTEGER ? 'more' : needed.toLocaleString('en-US');
  return {
    ok: false,
    reason: 'truncated',
    message:
      `${fileName} is cut short: its ${part === 'header' ? 'header needs' : 'tensors need'} ${want} bytes but the file has only ${have}. ` +
      'Download or copy it again.',
  };
}

/** `50 4B 03 04 ("PK..")`: hex, and the printable characters, so a zip or text file is seen. */
function describeBytes(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ');
  const text = Array.from(bytes, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'));
  return `${hex} ("${text.join('')}")`;
}
