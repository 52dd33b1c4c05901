/**
 * src/shared/gguf-header.ts against the generated test models and corrupted copies of them, with
 * node-llama-cpp's own reader (`readGgufFileInfo`) as the reference for every fact. Here, not
 * beside the reader: it needs node:fs and node-llama-cpp, which src/shared may not import (the
 * reader's own synthetic-byte tests are in src/shared/gguf-header.test.ts).
 */
import { open, readFile, stat } from 'node:fs/promises';
import { getLlama, GgufFileType, readGgufFileInfo } from 'node-llama-cpp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkGgufFile,
  FILE_TYPE_NAMES,
  GGML_BLOCKS,
  readGgufHeader,
  type GgufHeaderResult,
} from '../../src/shared/gguf-header';
import { ensureTestModels, type TestModels } from './index';

let models: TestModels;

beforeAll(async () => {
  models = await ensureTestModels();
});

/** Reads the header as the browser does: growing prefixes of the file, never the whole file. */
async function checkPath(path: string, limit?: number): Promise<GgufHeaderResult> {
  const { size } = await stat(path);
  const handle = await open(path);
  try {
    return await checkGgufFile({ fileName: 'model.gguf', fileSize: size, limit }, async (n) => {
      const buffer = Buffer.alloc(n);
      const { bytesRead } = await handle.read(buffer, 0, n, 0);
      return buffer.subarray(0, bytesRead);
    });
  } finally {
    await handle.close();
  }
}

function refusal(result: GgufHeaderResult) {
  if (result.ok !== false) throw new Error(`expected a refusal, got ${JSON.stringify(result)}`);
  return result;
}

function header(result: GgufHeaderResult) {
  if (result.ok !== true) throw new Error(`expected a header, got ${JSON.stringify(result)}`);
  return result.header;
}

describe('GGUF header of the generated models', () => {
  for (const name of ['tiny', 'script', 'scriptLong'] as const) {
    it(`reads ${name} as node-llama-cpp does`, async () => {
      const path = models[name];
      const facts = header(await checkPath(path));
      const reference = await readGgufFileInfo(path, { logWarnings: false });
      expect(facts.version).toBe(reference.version);
      expect(facts.tensorCount).toBe(Number(reference.tensorCount));
      expect(facts.metadataKvCount).toBeGreaterThan(10);
      expect(facts.architecture).toBe(reference.metadata.general.architecture);
      expect(facts.name).toBe(reference.metadata.general.name);
      expect(facts.fileType).toBe(reference.metadata.general.file_type);
      expect(facts.fileTypeName).toBe(
        GgufFileType[facts.fileType ?? -1]?.replace(/^(MOSTLY|ALL)_/, ''),
      );
      expect(facts.contextLength).toBe(reference.architectureMetadata.context_length);
      expect(facts.metadataEnd).toBe(reference.metadataSize);
      expect(facts.dataOffset).toBe(reference.infoEndOffset);
      expect(facts.complete).toBe(true);
      // The generated writer ends the file right after the last tensor.
      expect(facts.minFileSize).toBe((await stat(path)).size);
    });
  }

  it('reports what it has read when the header is longer than the limit', async () => {
    const reference = await readGgufFileInfo(models.tiny, { logWarnings: false });
    const facts = header(await checkPath(models.tiny, 600));
    expect(reference.metadataSize).toBeGreaterThan(600); // the vocabulary is past the limit
    expect(facts).toMatchObject({ complete: false, architecture: 'llama', minFileSize: 0 });
    expect(facts.metadataEnd).toBeUndefined();
  });

  it('asks for more bytes when the prefix ends inside the metadata', async () => {
    const bytes = await readFile(models.tiny);
    const result = readGgufHeader(bytes.subarray(0, 300), {
      fileName: 'tiny.gguf',
      fileSize: bytes.length,
    });
    expect(result.ok).toBe('need_more');
    if (result.ok === 'need_more') expect(result.bytes).toBeGreaterThan(300);
  });
});

describe('GGUF header of files that are not whole models', () => {
  const read = (bytes: Uint8Array, fileName = 'x.gguf') =>
    readGgufHeader(bytes, { fileName, fileSize: bytes.length });

  it('refuses a copy with another magic, naming the file and its first bytes', async () => {
    const bytes = Buffer.from(await readFile(models.tiny));
    bytes.write('GGUX', 0, 'latin1');
    const { reason, message } = refusal(read(bytes, 'copy.gguf'));
    expect(reason).toBe('not_gguf');
    expect(message).toMatch(/^copy\.gguf is not a GGUF model: it starts with .*\("GGUX"\)/);
  });

  it('refuses a file cut in the middle of its metadata', async () => {
    const bytes = await readFile(models.script);
    const { metadataSize } = await readGgufFileInfo(models.script, { logWarnings: false });
    const cut = bytes.subarray(0, Math.floor(metadataSize / 2));
    const result = read(cut, 'script.gguf');
    expect(result).toMatchObject({ ok: false, reason: 'truncated' });
    if (result.ok === false)
      expect(result.message).toMatch(/^script\.gguf is cut short: its header/);
  });

  it('refuses the first half of a model: its tensors need more than the file holds', async () => {
    const bytes = await readFile(models.script);
    const half = bytes.subarray(0, Math.floor(bytes.length / 2));
    const result = read(half, 'half.gguf');
    expect(result).toMatchObject({ ok: false, reason: 'truncated' });
    if (result.ok === false) {
      expect(result.message).toContain('its tensors need');
      expect(result.message).toContain(bytes.length.toLocaleString('en-US'));
    }
    // The same prefix, said to be the start of the whole file, is fine (the browser's case).
    expect(readGgufHeader(half, { fileName: 'script.gguf', fileSize: bytes.length })).toMatchObject(
      { ok: true },
    );
  });

  it('refuses a copy with another version', async () => {
    const bytes = Buffer.from(await readFile(models.tiny));
    bytes.writeUInt32LE(1, 4);
    const old = refusal(read(bytes, 'old.gguf'));
    expect(old.reason).toBe('unsupported_version');
    expect(old.message).toMatch(/^old\.gguf is GGUF version 1 .*convert/);
    bytes.writeUInt32BE(3, 4);
    expect(refusal(read(bytes)).message).toContain('big-endian');
  });
});

describe('the type tables', () => {
  it('names file types as node-llama-cpp does', () => {
    FILE_TYPE_NAMES.forEach((name, id) => {
      expect(GgufFileType[id]?.replace(/^(MOSTLY|ALL)_/, '')).toBe(name);
    });
  });

  it('sizes tensor blocks as llama.cpp does', async () => {
    const llama = await getLlama({ build: 'never', gpu: false, maxThreads: 1 });
    // The sizes are behind node-llama-cpp's internal bindings, the one place llama.cpp says them.
    const bindings = (llama as unknown as { _bindings: NativeSizes })._bindings;
    try {
      for (const [id, [perBlock, blockBytes]] of Object.entries(GGML_BLOCKS)) {
        const type = Number(id);
        expect([type, bindings.getBlockSizeForGgmlType(type)]).toEqual([type, perBlock]);
        expect([type, bindings.getTypeSizeForGgmlType(type)]).toEqual([type, blockBytes]);
      }
    } finally {
      await llama.dispose();
    }
  });
});

interface NativeSizes {
  getBlockSizeForGgmlType(type: number): number | undefined;
  getTypeSizeForGgmlType(type: number): number | undefined;
}
