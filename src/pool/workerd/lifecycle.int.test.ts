/** The worker process's start and stop: bad flags, bad models, signals, a vanished parent. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels, type TestModels } from '../../../scripts/test-models/index';
import type { InferenceEvent } from '../../shared/inference';
import {
  events,
  postJson,
  spawnWorker,
  startWorker,
  stopWorker,
  waitFor,
} from '../../../scripts/testing/worker-process';

let models: TestModels;

beforeAll(async () => {
  models = await ensureTestModels();
}, 60_000);

/** Milliseconds until `exited` settles, failing after `ms`. */
async function exitWithin(exited: Promise<number | string>, ms: number) {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no exit within ${ms} ms`)), ms);
  });
  try {
    return { code: await Promise.race([exited, timeout]), ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

describe('rbees-workerd process', () => {
  it('exits 2 naming the bad flag, before loading anything', async () => {
    const proc = spawnWorker(['--model', models.script, '--port', '0', '--slots', 'two']);
    await expect(proc).rejects.toThrow(/exited \(2\)[\s\S]*--slots "two" is not a whole number/);
  });

  it('prints MODEL_LOAD_FAILED and exits 1 for a file that is not a GGUF', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rbees-workerd-'));
    try {
      const notGguf = join(dir, 'notes.gguf');
      await writeFile(notGguf, 'these are my notes, not a model\n');
      const worker = await spawnWorker(['--model', notGguf, '--port', '0', '--threads', '1']);
      expect(worker.line).toMatchObject({ event: 'error', code: 'MODEL_LOAD_FAILED' });
      expect(worker.line.message).toMatch(new RegExp(`^${notGguf}: .*GGUF.* — .+`));
      expect((await exitWithin(worker.exited, 5000)).code).toBe(1);
      expect(worker.stderr()).toContain(notGguf);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints MODEL_LOAD_FAILED and exits 1 for a missing file', async () => {
    const worker = await spawnWorker(['--model', '/nonexistent/model.gguf', '--port', '0']);
    expect(worker.line).toMatchObject({
      event: 'error',
      code: 'MODEL_LOAD_FAILED',
      message: '/nonexistent/model.gguf: no such file — pass the path of a .gguf file to --model',
    });
    expect((await exitWithin(worker.exited, 5000)).code).toBe(1);
  });

  it('on SIGTERM ends running streams with CANCELLED and exits 0 promptly', async () => {
    const worker = await startWorker(models.scriptLong, ['--ctx', '1024']);
    try {
      const response = await postJson(worker, '/execute', {
        job_id: 't1',
        prompt: 'go',
        max_tokens: 2048,
      });
      const seen: InferenceEvent[] = [];
      let exit: Promise<{ code: number | string; ms: number }> | undefined;
      for await (const event of events(response)) {
        seen.push(event);
        if (event.type === 'token' && exit === undefined) {
          worker.proc.kill('SIGTERM');
          exit = exitWithin(worker.exited, 2000);
        }
      }
      expect(seen.at(-1)).toMatchObject({
        type: 'error',
        data: { code: 'CANCELLED', message: 'job t1: cancelled by the worker is shutting down' },
      });
      expect((await exit)?.code).toBe(0);
    } finally {
      await stopWorker(worker);
    }
  });

  it('exits when the process named by --parent-pid is gone', async () => {
    const parent = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
      stdio: 'ignore',
    });
    const parentExit = once(parent, 'exit');
    const worker = await startWorker(models.script, ['--parent-pid', String(parent.pid)]);
    try {
      // Alive while the parent is: parent-watch.test.ts checks that over many polls, on a fake
      // clock; here the wiring, with a real parent that goes.
      expect(worker.proc.exitCode).toBeNull();
      parent.kill('SIGKILL');
      await parentExit;
      expect((await exitWithin(worker.exited, 3000)).code).toBe(0);
      await waitFor('the log line', () => worker.stderr().includes('parent gone'));
    } finally {
      await stopWorker(worker);
    }
  });
});
