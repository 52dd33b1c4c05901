import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { RbeesError } from '../../../shared/errors';
import type { ModelEntry } from '../../../shared/pool-status';

const PROGRESS_EVERY_MS = 1000;

/** SHA-256 of a file, streamed (models are tens of GB); `onProgress` about once a second. */
export async function sha256File(
  path: string,
  onProgress?: (bytes: number) => void,
): Promise<string> {
  const hash = createHash('sha256');
  let bytes = 0;
  let last = Date.now();
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    const buffer = chunk as Buffer;
    hash.update(buffer);
    bytes += buffer.length;
    if (onProgress !== undefined && Date.now() - last >= PROGRESS_EVERY_MS) {
      last = Date.now();
      onProgress(bytes);
    }
  }
  return hash.digest('hex');
}

/** The hash in `<file>.sha256`: `sha256sum` output (`HEX  name`) or the bare hex. */
export async function readSidecar(modelPath: string): Promise<string | undefined> {
  let text: string;
  const path = `${modelPath}.sha256`;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // A sidecar that is there but cannot be read must not let the file pass unchecked.
    throw new RbeesError(
      'BAD_REQUEST',
      `${path}: cannot read the checksum beside the model (${(err as Error).message}) — make it readable, or remove it to verify without it`,
      { path },
    );
  }
  const first = text.trim().split(/\s+/)[0] ?? '';
  if (!/^[0-9a-f]{64}$/i.test(first)) {
    throw new RbeesError(
      'BAD_REQUEST',
      `${modelPath}.sha256 does not hold a SHA-256 (64 hex digits) — fix or delete it`,
    );
  }
  return first.toLowerCase();
}

export interface VerifyResult {
  sha256: string;
  expected: { source: 'sidecar' | 'argument'; sha256: string }[];
  match: boolean | null;
}

/**
 * Compares with the sidecar and the given hash, whichever exist (both must match when both are
 * there: they disagreeing is itself a reason to distrust the file). Nothing to compare with is
 * not a failure: the hash is printed for the caller to judge (match: null).
 */
export async function verifyModel(
  model: ModelEntry,
  given: string | undefined,
  onProgress?: (bytes: number) => void,
): Promise<VerifyResult> {
  const expected: VerifyResult['expected'] = [];
  const sidecar = await readSidecar(model.path);
  if (sidecar !== undefined) expected.push({ source: 'sidecar', sha256: sidecar });
  if (given !== undefined) expected.push({ source: 'argument', sha256: given.toLowerCase() });
  const sha256 = await sha256File(model.path, onProgress);
  const wrong = expected.filter((e) => e.sha256 !== sha256);
  if (wrong.length > 0) {
    const said = wrong.map((e) => `${e.source} says ${e.sha256}`).join(', ');
    throw new RbeesError(
      'CHECKSUM_MISMATCH',
      `${model.id}: SHA-256 is ${sha256} but the ${said} — the file is damaged or not the one expected; download it again`,
      { id: model.id, sha256, expected },
    );
  }
  return { sha256, expected, match: expected.length > 0 ? true : null };
}
