import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  diskFilledUp,
  formatBytes,
  insufficientDisk,
  isDiskFullCode,
} from '../../../shared/disk-space';
import { RbeesError } from '../../../shared/errors';
import type { UploadResponse } from '../../../shared/hosts';
import { MODEL_FILE_NAME } from '../../../shared/host-schemas';
import { modelIdFromFileName } from '../../../shared/models';
import { uploadFile } from '../../ssh';
import { listModelsOn, type ModelsListing } from './agent-models';
import type { AgentRunner } from './agent-runner';
import type { HostRegistry } from './host-registry';
import { LOCAL_HOST } from './host-registry';

export interface ModelUpload {
  host: string;
  /** The file name on the host, `<id>.gguf`. */
  file: string;
  /** The body's length: a stream of unknown size cannot be checked for truncation. */
  size: number;
  source: AsyncIterable<Uint8Array>;
  /** Aborted when the client goes away: the partial file is removed. */
  signal: AbortSignal;
}

const MAGIC = Buffer.from('GGUF');

/**
 * Installs a model from a byte stream (a browser's drop, an HTTP PUT): to `<name>.partial`, then
 * renamed once every byte is there and its sha256 is known (and, over SSH, re-computed on the
 * host). A stream that is not GGUF is refused at its first bytes; one cut short leaves nothing.
 */
export async function uploadModel(
  hosts: HostRegistry,
  upload: ModelUpload,
): Promise<UploadResponse> {
  const { host, file, size } = upload;
  if (!MODEL_FILE_NAME.test(file)) {
    throw new RbeesError(
      'BAD_REQUEST',
      `"${file}" is not a model file name: use letters, digits, ".", "_", "+" or "-", ending in .gguf`,
    );
  }
  if (!Number.isSafeInteger(size) || size < MAGIC.length) {
    throw new RbeesError(
      'BAD_REQUEST',
      'The upload needs a Content-Length of at least 4 bytes (the size of the model file).',
    );
  }
  const id = modelIdFromFileName(file) as string; // MODEL_FILE_NAME guarantees one
  const source = ggufOnly(upload.source, file);
  const runner = await hosts.agent(host);
  const listing = await listModelsOn(runner);
  const modelsDir = listing.models_dir;
  if (listing.models.some((model) => model.id === id)) {
    throw new RbeesError(
      'BAD_REQUEST',
      `${host}: ${file} is already installed; delete it first to replace it.`,
      { host, id },
    );
  }
  // Before a byte is read: a Content-Length the disk cannot hold would only fill it up.
  const free = freeBytesOf(listing);
  if (free !== undefined && size > free) {
    throw insufficientDisk({ host, dir: modelsDir, file, needed: size, free });
  }
  if (host === LOCAL_HOST) return receiveLocally(modelsDir, id, file, size, source, upload.signal);
  try {
    const result = await uploadFile(await hosts.sessionOf(host), {
      source,
      size,
      remoteDir: modelsDir,
      remoteName: file,
      signal: upload.signal,
    });
    return { id, path: result.remotePath, sha256: result.sha256, size_bytes: result.size };
  } catch (err) {
    throw await diskFullOr(err, { runner, host, dir: modelsDir, file, size });
  }
}

/** The agent's free bytes for its models dir; undefined from an agent too old to say. */
function freeBytesOf(listing: ModelsListing): number | undefined {
  return listing.disk?.free_bytes;
}

/**
 * SFTP says only "Failure" when a write hits ENOSPC on the host (OpenSSH maps no errno to it):
 * after a failed upload (its partial already removed) the host is asked how much is free, and a
 * disk that cannot hold the file now is named as the cause.
 */
async function diskFullOr(
  err: unknown,
  at: { runner: AgentRunner; host: string; dir: string; file: string; size: number },
): Promise<unknown> {
  if (!(err instanceof RbeesError) || err.code !== 'INTERNAL') return err;
  const listing = await listModelsOn(at.runner).catch(() => null);
  const free = listing ? freeBytesOf(listing) : undefined;
  if (free === undefined || free >= at.size) return err;
  const said = typeof err.details?.cause === 'string' ? err.details.cause : err.message;
  return diskFilledUp({
    host: at.host,
    dir: at.dir,
    file: at.file,
    cause: `a write failed with "${said}"; ${formatBytes(free)} is free, the file needs ${formatBytes(at.size)}`,
  });
}

async function receiveLocally(
  dir: string,
  id: string,
  file: string,
  size: number,
  source: AsyncIterable<Uint8Array>,
  signal: AbortSignal,
): Promise<UploadResponse> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, file);
  const partial = `${path}.partial`;
  const hash = createHash('sha256');
  let received = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.from(source), count, createWriteStream(partial), { signal });
    if (received !== size) {
      throw new RbeesError(
        'BAD_REQUEST',
        `local: upload of ${file} failed: ${received} bytes arrived, not the ${size} announced; nothing was kept`,
      );
    }
    await rename(partial, path);
  } catch (err) {
    await rm(partial, { force: true });
    if (signal.aborted) {
      throw new RbeesError('CANCELLED', `local: the upload of ${file} was cancelled`);
    }
    if (isDiskFullCode((err as NodeJS.ErrnoException).code)) {
      throw diskFilledUp({ host: LOCAL_HOST, dir, file, cause: (err as Error).message });
    }
    throw err;
  }
  const { size: onDisk } = await stat(path);
  return { id, path, sha256: hash.digest('hex'), size_bytes: onDisk };
}

/** Passes the stream through once its first 4 bytes say GGUF; anything else is refused at once. */
async function* ggufOnly(
  source: AsyncIterable<Uint8Array>,
  file: string,
): AsyncGenerator<Uint8Array> {
  let head = Buffer.alloc(0);
  let checked = false;
  for await (const chunk of source) {
    if (checked) {
      yield chunk;
      continue;
    }
    head = Buffer.concat([head, chunk]);
    if (head.length < MAGIC.length) continue;
    if (!head.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new RbeesError(
        'BAD_REQUEST',
        `${file} is not a GGUF model: it starts with ${JSON.stringify(head.subarray(0, 4).toString('latin1'))}, not "GGUF". Convert it with llama.cpp's convert_hf_to_gguf.py, or pick a .gguf file.`,
      );
    }
    checked = true;
    yield head;
  }
  if (!checked && head.length > 0) yield head; // too short: the size check reports it
}
