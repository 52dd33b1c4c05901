/**
 * A full disk, for real: an upload announcing more bytes than the disk has free is refused (507)
 * before a byte is written, and an upload or a download that fills a small tmpfs mounted at the
 * models dir of a real OpenSSH host (or of this computer) ends with INSUFFICIENT_DISK naming the
 * disk and the fix, leaves no partial file, and the host, its agent's serve process and the SSH
 * session go on serving.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readlink, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels } from '../../../../scripts/test-models';
import type { TestModels } from '../../../../scripts/test-models';
import { eventually } from '../../../../scripts/testing/eventually';
import type { HfStandIn } from '../../../../scripts/testing/hf-stand-in';
import { startPool } from '../../../../scripts/testing/pool-fixture';
import type { PoolFixture } from '../../../../scripts/testing/pool-fixture';
import type { TestHost } from '../../../../scripts/testing/test-hosts';
import { run } from '../../../../scripts/testing/test-hosts/proc';
import { mountSmallDisk } from '../../../../scripts/testing/tmpfs';
import type { SmallDisk } from '../../../../scripts/testing/tmpfs';
import { API } from '../../../shared/api';
import type { ErrorBody } from '../../../shared/errors';
import type { DownloadState } from '../../../shared/pool-status';
import { decodeSse } from '../../../shared/sse';
import type { SseMessage } from '../../../shared/sse';
import { pidsMentioning } from '../../../../scripts/testing/cli-process';

const REPO = 'TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF';
const FILE = 'tinyllama-1.1b-chat-v1.0.Q8_0.gguf';
const HOST = 'gpu1';
const DISK_BYTES = 4 << 20; // the test models are ~2.4 MB: they fit, until the filler is there
let pool: PoolFixture;
let host: TestHost;
let hf: HfStandIn;
let models: TestModels;
let disk: SmallDisk | undefined;

const hostModelsDir = (): string => join(host.home, '.rbees', 'models');
const localModelsDir = (): string => join(pool.daemon.home, 'models');

beforeAll(async () => {
  models = await ensureTestModels();
  pool = await startPool({
    hosts: { count: 1 },
    hfRepos: { [REPO]: { files: { [FILE]: models.script } } },
  });
  [host] = pool.hosts as [TestHost];
  hf = pool.hf as HfStandIn;
  await pool.register(HOST, host);
  await mkdir(hostModelsDir(), { recursive: true });
  await run('chown', ['-R', `${host.user}:`, join(host.home, '.rbees')]);
}, 180_000);

// Unmounted whatever happened in the test: the mount would outlive this file otherwise.
afterEach(async () => {
  await disk?.unmount();
  disk = undefined;
});

afterAll(async () => {
  await disk?.unmount();
  await pool?.stop();
});

/** The agent's `serve --stdio` on the test host: its pid, which must not change. */
async function servePids(): Promise<number[]> {
  const pids = await pidsMentioning('serve --stdio');
  const ours = await Promise.all(
    pids.map(async (pid) =>
      (await readlink(`/proc/${pid}/cwd`).catch(() => '')) === pool.agentDir ? pid : 0,
    ),
  );
  return ours.filter((pid) => pid !== 0);
}

/** A PUT of raw bytes on a socket; the answer's status line and JSON body (or null: none came). */
function rawPut(
  path: string,
  length: number,
  body: Buffer,
): Promise<{ status: number; json: unknown } | null> {
  const { port } = new URL(pool.daemon.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, 15_000);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
      const text = answer.slice(answer.indexOf('\r\n\r\n') + 4);
      resolve(status ? { status, json: JSON.parse(text) as unknown } : null);
    });
    socket.write(
      `PUT ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
        `Authorization: Bearer ${pool.daemon.token}\r\n` +
        `Content-Type: application/octet-stream\r\nContent-Length: ${length}\r\n\r\n`,
    );
    socket.write(body);
  });
}

/**
 * Uploads `path` as `file`, pausing after the first 256 KiB until `whenStarted` (which fills
 * the disk) has run once the partial file is there; the status and body of the answer.
 */
function uploadFillingDisk(
  name: string,
  file: string,
  partial: string,
  whenStarted: () => Promise<unknown>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    void stat(models.script).then(({ size }) => {
      const req = request(`${pool.daemon.url}${API.hostModel(name, file)}`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${pool.daemon.token}`,
          'content-type': 'application/octet-stream',
          'content-length': size,
        },
      });
      req.once('response', (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      // Once refused, the rest of the body may not be taken (EPIPE): only no answer is an error.
      req.once('error', (err) => setTimeout(() => reject(err), 5000).unref());
      const head = createReadStream(models.script, { end: 256 * 1024 - 1 });
      head.on('data', (chunk) => req.write(chunk));
      head.once('end', () => {
        void eventually(
          () =>
            stat(partial).then(
              (s) => s.size,
              () => 0,
            ),
          (bytes) => bytes > 0,
          20_000,
        )
          .then(whenStarted)
          .then(() => createReadStream(models.script, { start: 256 * 1024 }).pipe(req));
      });
    }, reject);
  });
}

function expectDiskFilled(error: ErrorBody, dir: string): void {
  expect(error.code).toBe('INSUFFICIENT_DISK');
  expect(error.message).toContain(`The disk holding ${dir} filled up`);
  expect(error.message).toContain('the partial file was removed');
  expect(error.message).toContain('Free some space or point the models folder elsewhere');
}

describe('a full disk', () => {
  it('refuses a 10^13-byte upload with 507 and both numbers, before writing a byte', async () => {
    for (const [name, dir] of [
      [HOST, hostModelsDir()],
      ['local', localModelsDir()],
    ] as const) {
      const answer = await rawPut(API.hostModel(name, 'huge.gguf'), 1e13, Buffer.from('GGUF....'));
      expect(answer, `${name}: no answer to the upload`).not.toBeNull();
      expect(answer?.status).toBe(507);
      const { error } = answer?.json as { error: ErrorBody };
      expect(error.code).toBe('INSUFFICIENT_DISK');
      expect(error.details).toMatchObject({ needed_bytes: 1e13, dir });
      const free = error.details?.free_bytes as number;
      expect(free).toBeGreaterThan(0);
      expect(error.message).toContain('needs 9.1 TiB more');
      expect(error.message).toContain(`is free. Free some space`);
      expect((await readdir(dir)).filter((f) => f.startsWith('huge'))).toEqual([]);
    }
  });

  it('ends an upload to a pool host that fills its disk; the host goes on serving', async () => {
    const serve = await servePids();
    expect(serve).toHaveLength(1);
    disk = await mountSmallDisk(hostModelsDir(), DISK_BYTES, `${host.user}:`, host.sshdPid);
    const partial = join(disk.seen, 'filled.gguf.partial');
    const answer = await uploadFillingDisk(HOST, 'filled.gguf', partial, async () => disk?.fill());
    expect(answer.status, answer.body).toBe(507);
    expectDiskFilled((JSON.parse(answer.body) as { error: ErrorBody }).error, hostModelsDir());
    expect(await readdir(disk.seen)).toEqual(['filler.bin']);

    // The daemon, the agent's serve process and the SSH session (an SFTP upload) all still work.
    expect((await pool.daemon.call('GET', API.hostModels(HOST))).status).toBe(200);
    expect(await servePids()).toEqual(serve);
    await disk.unmount();
    disk = undefined;
    const again = await uploadFillingDisk(
      HOST,
      'after.gguf',
      join(hostModelsDir(), 'after.gguf.partial'),
      async () => undefined,
    );
    expect(again.status, again.body).toBe(201);
    expect((await pool.daemon.call('DELETE', API.hostModel(HOST, 'after'))).status).toBe(204);
  }, 120_000);

  it('ends a download that fills the disk, with nothing left of it', async () => {
    const serve = await servePids();
    disk = await mountSmallDisk(hostModelsDir(), DISK_BYTES, `${host.user}:`, host.sshdPid);
    hf.setThrottle(256 * 1024); // ~10 s for the file: time to fill the disk mid-way
    try {
      const started = await pool.daemon.call('POST', API.hostDownloads(HOST), {
        ref: `hf:${REPO}::file=${FILE}`,
      });
      expect(started.status).toBe(202);
      const id = String(started.json.id);
      const response = await fetch(`${pool.daemon.url}${API.hostDownloadEvents(HOST, id)}`, {
        headers: { authorization: `Bearer ${pool.daemon.token}` },
      });
      const events: SseMessage[] = [];
      let filled = false;
      for await (const m of decodeSse(response.body as AsyncIterable<Uint8Array>)) {
        events.push(m);
        const bytes = m.event === 'progress' ? (JSON.parse(m.data) as { bytes: number }).bytes : 0;
        if (!filled && bytes > 0) {
          filled = true;
          await disk.fill();
        }
      }
      expect(events.at(-1)?.event, JSON.stringify(events.at(-1))).toBe('error');
      expectDiskFilled(JSON.parse(events.at(-1)?.data ?? '{}') as ErrorBody, hostModelsDir());
      expect(await readdir(disk.seen)).toEqual(['filler.bin']);
      const listed = (await pool.daemon.call('GET', API.hostDownloads(HOST))).json
        .downloads as DownloadState[];
      expect(listed.find((d) => d.id === id)).toMatchObject({ state: 'failed' });
      expect(listed.find((d) => d.id === id)?.error?.code).toBe('INSUFFICIENT_DISK');
      expect((await pool.daemon.call('GET', API.hostModels(HOST))).status).toBe(200);
      expect(await servePids()).toEqual(serve);
    } finally {
      hf.setThrottle(undefined);
    }
  }, 120_000);

  it('ends an upload to this computer that fills its disk', async () => {
    disk = await mountSmallDisk(localModelsDir(), DISK_BYTES, 'root:');
    const partial = join(localModelsDir(), 'filled.gguf.partial');
    const answer = await uploadFillingDisk('local', 'filled.gguf', partial, async () =>
      disk?.fill(),
    );
    expect(answer.status, answer.body).toBe(507);
    expectDiskFilled((JSON.parse(answer.body) as { error: ErrorBody }).error, localModelsDir());
    expect(await readdir(localModelsDir())).toEqual(['filler.bin']);
    expect((await pool.daemon.call('GET', API.hostModels('local'))).status).toBe(200);
    expect((await fetch(`${pool.daemon.url}/health`)).status).toBe(200);
  }, 120_000);
});
