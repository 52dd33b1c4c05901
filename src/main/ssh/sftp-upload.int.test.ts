import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHosts } from '../../../scripts/testing/test-hosts';
import type { TestHost, TestHosts } from '../../../scripts/testing/test-hosts';
import { SshSession } from './session';
import { uploadFile } from './sftp-upload';
import type { UploadProgress } from './sftp-io';
import { hostOptions } from '../../../scripts/testing/ssh-session';

const MODEL = join(__dirname, '../../../.cache/test-models/script-slow.gguf');
const dir = mkdtempSync(join(tmpdir(), 'rbees-sftp-int-'));
let th: TestHosts | undefined;
let s: SshSession | undefined;
let h: TestHost;
let remoteDir = '';
const modelSha = createHash('sha256').update(readFileSync(MODEL)).digest('hex');
const size = statSync(MODEL).size;
const mbps = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000);

beforeAll(async () => {
  th = await startTestHosts({ count: 1 });
  const first = th.hosts[0];
  if (!first) throw new Error('no test host');
  h = first;
  remoteDir = join(h.home, 'models');
  s = new SshSession(hostOptions(h, dir));
  await s.trust(h.hostKeyFingerprint);
});
afterAll(async () => {
  await s?.close();
  await th?.stop();
  rmSync(dir, { recursive: true, force: true });
});
const session = (): SshSession => {
  if (!s) throw new Error('no session');
  return s;
};
const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('uploadFile', () => {
  it('uploads a ~111 MB file, verified on the host, with no partial left', async () => {
    const events: Array<UploadProgress & { at: number }> = [];
    const t0 = performance.now();
    const result = await uploadFile(session(), {
      localPath: MODEL,
      remoteDir,
      remoteName: 'a.gguf',
      expectedSha256: modelSha,
      onProgress: (p) => events.push({ ...p, at: performance.now() }),
    });
    const ms = performance.now() - t0;
    console.log(`sftp upload ${(size / 1e6).toFixed(0)} MB: ${mbps(size, ms).toFixed(0)} MB/s`);
    expect(result).toEqual({
      remotePath: join(remoteDir, 'a.gguf'),
      sha256: modelSha,
      size,
      resumedFrom: 0,
    });
    expect(sha(join(remoteDir, 'a.gguf'))).toBe(modelSha);
    expect(existsSync(join(remoteDir, 'a.gguf.partial'))).toBe(false);
    expect(events.at(-1)).toMatchObject({ bytes: size, total: size });
    for (let i = 1; i < events.length - 1; i++) {
      // `at` is read in the listener, a little after the meter's own clock (more so on a loaded
      // machine): a margin of a few ms, not of a second event in between.
      expect(events[i]!.at - events[i - 1]!.at).toBeGreaterThanOrEqual(95);
      expect(events[i]!.bytes).toBeGreaterThan(events[i - 1]!.bytes);
    }
  });

  it('leaves only the partial on abort, then resumes from it', async () => {
    const controller = new AbortController();
    const err = await uploadFile(session(), {
      localPath: MODEL,
      remoteDir,
      remoteName: 'b.gguf',
      signal: controller.signal,
      chunkSize: 32 * 1024,
      // Slow enough that the abort lands near 30 %.
      concurrency: 1,
      onProgress: (p) => {
        if (p.bytes >= size * 0.3) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CANCELLED' });
    const partial = join(remoteDir, 'b.gguf.partial');
    expect(existsSync(join(remoteDir, 'b.gguf'))).toBe(false);
    const kept = statSync(partial).size;
    expect(kept).toBeGreaterThan(size * 0.25);
    expect(kept).toBeLessThan(size * 0.6);

    const events: UploadProgress[] = [];
    const result = await uploadFile(session(), {
      localPath: MODEL,
      remoteDir,
      remoteName: 'b.gguf',
      expectedSha256: modelSha,
      onProgress: (p) => events.push(p),
    });
    expect(result.resumedFrom).toBe(kept);
    expect(events[0]!.bytes).toBeGreaterThan(kept);
    expect(events.at(-1)!.bytes).toBe(size);
    console.log(`resumed at ${kept} of ${size}: sent ${size - kept} the second time`);
    expect(sha(join(remoteDir, 'b.gguf'))).toBe(modelSha);
    expect(existsSync(partial)).toBe(false);
  });

  it('keeps the partial when the connection drops, and a new session resumes it', async () => {
    const other = new SshSession(hostOptions(h, dir));
    let closing: Promise<void> | undefined;
    const err = await uploadFile(other, {
      localPath: MODEL,
      remoteDir,
      remoteName: 'g.gguf',
      concurrency: 1,
      onProgress: (p) => {
        if (p.bytes >= size * 0.2) closing ??= other.close();
      },
    }).catch((e: unknown) => e);
    await closing;
    expect(err).toMatchObject({ code: 'SSH_CONNECT_FAILED' });
    const kept = statSync(join(remoteDir, 'g.gguf.partial')).size;
    expect(kept).toBeGreaterThan(0);
    const result = await uploadFile(session(), {
      localPath: MODEL,
      remoteDir,
      remoteName: 'g.gguf',
    });
    expect(result).toMatchObject({ resumedFrom: kept, sha256: modelSha });
    expect(existsSync(join(remoteDir, 'g.gguf.partial'))).toBe(false);
  });

  it('keeps nothing when the sha256 does not match', async () => {
    const err = await uploadFile(session(), {
      localPath: MODEL,
      remoteDir,
      remoteName: 'c.gguf',
      expectedSha256: '0'.repeat(64),
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'CHECKSUM_MISMATCH',
      details: { sent: modelSha, on_host: modelSha, expected: '0'.repeat(64) },
    });
    expect(existsSync(join(remoteDir, 'c.gguf'))).toBe(false);
    expect(existsSync(join(remoteDir, 'c.gguf.partial'))).toBe(false);
  });

  it('detects a corrupt partial when resuming, and keeps nothing', async () => {
    const partial = join(remoteDir, 'd.gguf.partial');
    writeFileSync(partial, randomBytes(1024 * 1024));
    await execFileP('chown', [`${h.user}:`, partial]);
    const err = await uploadFile(session(), {
      localPath: MODEL,
      remoteDir,
      remoteName: 'd.gguf',
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CHECKSUM_MISMATCH' });
    expect(existsSync(partial)).toBe(false);
    expect(existsSync(join(remoteDir, 'd.gguf'))).toBe(false);
  });

  it('uploads a streamed source without buffering it', async () => {
    const total = 40 * 1024 * 1024;
    const hash = createHash('sha256');
    let produced = 0;
    let maxAhead = 0;
    async function* body(): AsyncIterable<Uint8Array> {
      while (produced < total) {
        const chunk = randomBytes(Math.min(100_000, total - produced));
        hash.update(chunk);
        produced += chunk.length;
        yield chunk;
      }
    }
    const result = await uploadFile(session(), {
      source: body(),
      size: total,
      remoteDir: '~/models',
      remoteName: 'e.gguf',
      onProgress: (p) => (maxAhead = Math.max(maxAhead, produced - p.bytes)),
    });
    expect(result).toMatchObject({ remotePath: join(remoteDir, 'e.gguf'), size: total });
    expect(sha(join(remoteDir, 'e.gguf'))).toBe(hash.digest('hex'));
    // At most 16 writes of 255 KiB in flight plus the chunk being cut up.
    expect(maxAhead).toBeLessThanOrEqual(16 * 255 * 1024 + 100_000);
  });

  it('refuses a stream shorter than announced and keeps nothing', async () => {
    async function* short(): AsyncIterable<Uint8Array> {
      yield randomBytes(1000);
    }
    const err = await uploadFile(session(), {
      source: short(),
      size: 2000,
      remoteDir,
      remoteName: 'f.gguf',
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BAD_REQUEST' });
    expect(existsSync(join(remoteDir, 'f.gguf.partial'))).toBe(false);
  });
});

const execFileP = promisify(execFile);
