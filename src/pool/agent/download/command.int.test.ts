import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandIo } from './command';
import { runDownloadCommand } from './command';
import type { DownloadEvent } from './events';
import { parseEvent } from './events';
import type { Fixture } from '../../../../scripts/testing/download-fixture';
import { sha256File, startFixture, TINY_FILE } from '../../../../scripts/testing/download-fixture';

function capture(env: CommandIo['env']): { io: CommandIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (err += t) },
      env,
    },
    out: () => out,
    err: () => err,
  };
}

describe('rbees-pool models download', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(async () => {
    await fx.close();
  });

  it('--json prints start, progress and done lines, and exits 0', async () => {
    const c = capture({ HF_ENDPOINT: fx.hf.url, RBEES_HOME: join(fx.tmp, 'home-json') });
    const code = await runDownloadCommand(['tinyllama', '--json'], c.io);
    expect(code).toBe(0);
    const lines = c.out().trim().split('\n');
    const events = lines
      .map((l) => parseEvent(l))
      .filter((e): e is DownloadEvent => e !== undefined);
    expect(events).toHaveLength(lines.length); // every line is a well-formed event
    expect(events[0]).toMatchObject({ event: 'start', file: TINY_FILE, resumed_from: 0 });
    expect(events.at(-2)).toMatchObject({ event: 'progress', eta_s: 0 });
    expect(events.at(-1)).toEqual({
      event: 'done',
      id: expect.any(String) as string,
      path: join(fx.tmp, 'home-json', 'models', TINY_FILE),
      sha256: await sha256File(fx.files.tiny),
    });
  });

  it('prints a refreshing progress line for people', async () => {
    const c = capture({ HF_ENDPOINT: fx.hf.url });
    const code = await runDownloadCommand(
      ['tinyllama', '--models-dir', join(fx.tmp, 'human')],
      c.io,
    );
    expect(code).toBe(0);
    expect(c.out()).toMatch(/^tinyllama-1\.1b-chat-v1\.0\.Q4_K_M\.gguf: 2\.3 MiB\n\r/);
    expect(c.out()).toContain('100.0%');
    expect(c.out()).toMatch(/\nDownloaded .*Q4_K_M\.gguf\nsha256 [0-9a-f]{64}\n$/);
  });

  it('prints an error line and exits 1 when the download fails', async () => {
    const c = capture({ HF_ENDPOINT: fx.hf.url });
    const code = await runDownloadCommand(
      ['test/sharded:Q6_K', '--json', '--models-dir', join(fx.tmp, 'e')],
      c.io,
    );
    expect(code).toBe(1);
    const last = parseEvent(c.out().trim().split('\n').at(-1) ?? '');
    expect(last).toMatchObject({ event: 'error', code: 'BAD_REQUEST' });
  });

  it('exits 2 on a bad command line, naming the problem', async () => {
    const c = capture({});
    expect(await runDownloadCommand(['--bogus'], c.io)).toBe(2);
    expect(c.err()).toContain("Unknown option '--bogus'");
    expect(await runDownloadCommand(['a', 'b'], c.io)).toBe(2);
    expect(await runDownloadCommand([], c.io)).toBe(2);
    expect(c.err()).toContain('usage: rbees-pool models download');
  });

  it('--attach of an unknown id fails with NOT_FOUND', async () => {
    const c = capture({});
    const code = await runDownloadCommand(
      ['--attach', 'nope', '--json', '--models-dir', join(fx.tmp, 'x')],
      c.io,
    );
    expect(code).toBe(1);
    expect(parseEvent(c.out().trim())).toMatchObject({ event: 'error', code: 'NOT_FOUND' });
  });
});
