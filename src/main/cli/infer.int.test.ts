/** `llorch infer` end to end: the real CLI against the built daemon on the scripted test models. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels } from '../../../scripts/test-models';
import type { TestModels } from '../../../scripts/test-models';
import { startDaemonProcess } from '../../../scripts/testing/daemon-process';
import type { DaemonProcess } from '../../../scripts/testing/daemon-process';
import { Client } from '../../shared/sdk/client';
import { jsonLines, runCli, startCli } from '../../../scripts/testing/cli-process';

let models: TestModels;
let daemon: DaemonProcess;

beforeAll(async () => {
  models = await ensureTestModels();
  daemon = await startDaemonProcess({
    models: [models.script, { path: models.scriptSlow, as: 'slow.gguf' }],
  });
}, 120_000);

afterAll(async () => {
  await daemon?.stop();
});

const SUMMARY = /^(\d+) tokens, [\d.]+ tok\/s, TTFT \d+ ms\n$/;

describe('llorch infer', () => {
  it('prints exactly the scripted text, then the numbers on stderr (token from RBEES_TOKEN)', async () => {
    const res = await runCli(
      ['infer', '--model', 'script', '--prompt', 'hi', '--url', daemon.url],
      {
        RBEES_TOKEN: daemon.token,
      },
    );
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(models.scriptText);
    const match = SUMMARY.exec(res.stderr);
    expect(match).not.toBeNull();
    expect(Number(match?.[1])).toBeGreaterThan(0);
  });

  it('finds the daemon and its token file through RBEES_URL and RBEES_HOME; --json events', async () => {
    const res = await runCli(['infer', '--model', 'script', '--prompt', 'hi', '--json'], {
      RBEES_URL: daemon.url,
      RBEES_HOME: daemon.home,
      RBEES_TOKEN: '',
    });
    expect(res.code).toBe(0);
    const events = jsonLines(res.stdout);
    const text = events
      .filter((e) => e.type === 'token')
      .map((e) => (e.data as { t: string }).t)
      .join('');
    expect(text).toBe(models.scriptText);
    expect(events.at(-1)).toMatchObject({ type: 'end', data: { stop_reason: 'eos' } });
  });

  it('says why when the token is wrong, the model unknown or the daemon not there', async () => {
    const env = { RBEES_TOKEN: 'wrong-token-wrong-token', RBEES_URL: daemon.url };
    const bad = await runCli(['infer', '--model', 'script', '--prompt', 'hi'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('RBEES_TOKEN');

    const unknown = await runCli(['infer', '--model', 'nope', '--prompt', 'hi', '--json'], {
      RBEES_TOKEN: daemon.token,
      RBEES_URL: daemon.url,
    });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('nope');

    const away = await runCli(['infer', '--model', 'script', '--prompt', 'hi'], {
      RBEES_URL: 'http://127.0.0.1:9',
    });
    expect(away.code).toBe(1);
    expect(away.stderr).toContain('Cannot reach the rbees daemon at http://127.0.0.1:9');
  });

  it('Ctrl-C cancels the job on the daemon and exits 130', async () => {
    const env = { RBEES_TOKEN: daemon.token, RBEES_URL: daemon.url };
    const cli = startCli(
      ['infer', '--model', 'slow', '--prompt', 'hi', '--max-tokens', '2000'],
      env,
    );
    await expect.poll(() => cli.output.stdout.length, { timeout: 30_000 }).toBeGreaterThan(0);
    const client = new Client(daemon.url, { token: daemon.token });
    expect((await client.workers()).some((w) => w.model === 'slow' && w.slots_busy === 1)).toBe(
      true,
    );
    cli.child.kill('SIGINT');
    const res = await cli.done;
    expect(res.code).toBe(130);
    expect(res.stdout.length).toBeLessThan(models.scriptLongText.length);
    // Without the cancel the slow model would keep its slot busy for many more seconds.
    await expect
      .poll(async () => (await client.workers()).every((w) => w.slots_busy === 0), {
        timeout: 3000,
      })
      .toBe(true);
  });

  it('refuses bad options before any request', async () => {
    const res = await runCli(['infer', '--model', 'script', '--prompt', 'hi', '--max-tokens', '0']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--max-tokens');
  });
});
