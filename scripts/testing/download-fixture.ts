/** Shared by the download integration tests: a stand-in serving generated files, temp dirs. */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTestModels } from '../test-models';
import type { HfStandIn, HfStandInOptions } from './hf-stand-in';
import { startHfStandIn } from './hf-stand-in';

export const TINY_REPO = 'TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF';
export const TINY_FILE = 'tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf';
export const MiB = 1 << 20;

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A file of random bytes, written in 1 MiB pieces. */
export async function randomFile(path: string, bytes: number): Promise<string> {
  const fh = await open(path, 'w');
  for (let done = 0; done < bytes; done += MiB)
    await fh.write(randomBytes(Math.min(MiB, bytes - done)));
  await fh.close();
  return path;
}

export async function listDir(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [])).sort();
}

export interface Fixture {
  hf: HfStandIn;
  tmp: string;
  modelsDir: string;
  files: { tiny: string; script: string; big: string };
  close(): Promise<void>;
}

/**
 * Repos: the tinyllama one (Q4_K_M = tiny.gguf, Q8_0 = script.gguf), `test/big` (8 MiB of random
 * bytes), `test/corrupt` (advertises a wrong sha256), `test/sharded` (two files tagged Q6_K).
 */
export async function startFixture(extra: Partial<HfStandInOptions> = {}): Promise<Fixture> {
  const models = await ensureTestModels();
  const tmp = await mkdtemp(join(tmpdir(), 'rbees-dl-'));
  const big = await randomFile(join(tmp, 'big.bin'), 8 * MiB);
  const hf = await startHfStandIn({
    repos: {
      [TINY_REPO]: {
        files: { [TINY_FILE]: models.tiny, 'tinyllama-1.1b-chat-v1.0.Q8_0.gguf': models.script },
      },
      'test/big': { files: { 'big.Q4_0.gguf': big } },
      'test/corrupt': { files: { 'bad.Q4_0.gguf': { path: models.tiny, sha256: '0'.repeat(64) } } },
      'test/sharded': {
        files: {
          'm-Q6_K-00001-of-00002.gguf': models.tiny,
          'm-Q6_K-00002-of-00002.gguf': models.script,
        },
      },
    },
    ...extra,
  });
  return {
    hf,
    tmp,
    modelsDir: join(tmp, 'models'),
    files: { tiny: models.tiny, script: models.script, big },
    async close() {
      await hf.stop();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

/** The requests the stand-in saw for file bytes (the CDN leg of a download). */
export function cdnRequests(hf: HfStandIn): HfStandIn['requests'] {
  return hf.requests.filter((r) => r.path.startsWith('/cdn/'));
}
