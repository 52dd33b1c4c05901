import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { attachDownload } from './attach';
import { cancelDownload, startDetachedDownload } from './detached';
import { isAlive, listDownloads, readState } from './download-state';
import type { DownloadEvent } from './events';
import type { Fixture } from '../../../../scripts/testing/download-fixture';
import { MiB, sha256File, startFixture } from '../../../../scripts/testing/download-fixture';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));
const NODE_TSX = [process.execPath, '--import', 'tsx'];
const BIG = 'hf:test/big::file=big.Q4_0.gguf';

async function collect(events: AsyncIterable<DownloadEvent>): Promise<DownloadEvent[]> {
  const all: DownloadEvent[] = [];
  for await (const e of events) all.push(e);
  return all;
}

describe('detached downloads', () => {
  let fx: Fixture;
  let n = 0;
  const pids: number[] = [];
  beforeAll(async () => {
    fx = await startFixture();
  });
  afterEach(() => {
    fx.hf.setThrottle(undefined);
  });
  afterAll(async () => {
    for (const pid of pids) if (isAlive(pid)) process.kill(-pid, 'SIGKILL');
    await fx.close();
  });
  const freshDir = (): string => join(fx.tmp, `home-${++n}`, 'models');

  it('survives the process that started it, and attach follows it to done', async () => {
    fx.hf.setThrottle(4 * MiB); // ~2 s for 8 MiB: the parent is long gone before the end
    const modelsDir = freshDir();
    // The parent is a process of its own that exits right after starting the download.
    const parent = await run(
      process.execPath,
      ['--import', 'tsx', CLI, BIG, '--detach', '--json', '--models-dir', modelsDir],
      { env: { ...process.env, HF_ENDPOINT: fx.hf.url } },
    );
    const detached = JSON.parse(parent.stdout.trim()) as { event: string; id: string; pid: number };
    pids.push(detached.pid);
    expect(detached.event).toBe('detached');
    expect(isAlive(detached.pid)).toBe(true);
    expect((await readState(modelsDir, detached.id)).state).toBe('running');

    const events = await collect(attachDownload(detached.id, { modelsDir }));
    const last = events.at(-1);
    expect(events[0]).toMatchObject({ event: 'start', file: 'big.Q4_0.gguf', total: 8 * MiB });
    expect(events.filter((e) => e.event === 'progress').length).toBeGreaterThan(5);
    expect(last).toMatchObject({
      event: 'done',
      id: detached.id,
      path: join(modelsDir, 'big.Q4_0.gguf'),
    });
    expect(last?.event === 'done' && last.sha256).toBe(await sha256File(fx.files.big));
    const state = await readState(modelsDir, detached.id);
    expect(state).toMatchObject({
      state: 'done',
      bytes: 8 * MiB,
      total: 8 * MiB,
      pid: detached.pid,
    });
    // Attaching again after the end replays the log up to the same terminal event.
    expect((await collect(attachDownload(detached.id, { modelsDir }))).at(-1)).toEqual(last);
    const listed = await listDownloads({ modelsDir });
    expect(listed.map((s) => [s.id, s.state])).toEqual([[detached.id, 'done']]);
  });

  it('cancels: the process group ends, the partial stays, attach ends with CANCELLED', async () => {
    fx.hf.setThrottle(1 * MiB);
    const modelsDir = freshDir();
    const started = await startDetachedDownload(BIG, {
      modelsDir,
      endpoint: fx.hf.url,
      command: [...NODE_TSX, CLI],
    });
    pids.push(started.pid);
    // Wait for the first bytes, through the log.
    for await (const e of attachDownload(started.id, { modelsDir })) {
      if (e.event === 'progress' && e.bytes > 0) break;
    }
    const state = await cancelDownload(started.id, { modelsDir });
    expect(state.state).toBe('cancelled');
    expect(state.error?.code).toBe('CANCELLED');
    expect(isAlive(started.pid)).toBe(false);
    const partial = await stat(join(modelsDir, 'big.Q4_0.gguf.partial'));
    expect(partial.size).toBeGreaterThan(0);
    const events = await collect(attachDownload(started.id, { modelsDir }));
    expect(events.at(-1)).toMatchObject({ event: 'error', code: 'CANCELLED' });
  });

  it('reports a download whose process was killed as failed', async () => {
    fx.hf.setThrottle(1 * MiB);
    const modelsDir = freshDir();
    const started = await startDetachedDownload(BIG, {
      modelsDir,
      endpoint: fx.hf.url,
      command: [...NODE_TSX, CLI],
    });
    pids.push(started.pid);
    for await (const e of attachDownload(started.id, { modelsDir }))
      if (e.event === 'progress') break;
    process.kill(-started.pid, 'SIGKILL');
    const events = await collect(attachDownload(started.id, { modelsDir }));
    expect(events.at(-1)).toMatchObject({ event: 'error', code: 'DOWNLOAD_FAILED' });
    expect(events.at(-1)?.event === 'error' && events.at(-1)).toMatchObject({
      message: expect.stringContaining('ended without a result') as string,
    });
    expect((await listDownloads({ modelsDir }))[0]?.state).toBe('failed');
  });
});
