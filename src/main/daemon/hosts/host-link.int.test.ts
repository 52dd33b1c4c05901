/**
 * A pool host's link as the daemon and llorch see it: llorch reaches the host by the name it was
 * added to the daemon with, and the daemon marks the host offline when its link is cut and back
 * online by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli } from '../../../../scripts/testing/cli-process';
import type { DaemonProcess } from '../../../../scripts/testing/daemon-process';
import { eventually } from '../../../../scripts/testing/eventually';
import { startPool, type PoolFixture } from '../../../../scripts/testing/pool-fixture';
import type { TestHost } from '../../../../scripts/testing/test-hosts';
import { API } from '../../../shared/api';
import type { HostInfo, HostsResponse } from '../../../shared/hosts';

const HOST = 'gpu1';
let pool: PoolFixture;
let host: TestHost;
let daemon: DaemonProcess;

async function hostState(): Promise<HostInfo | undefined> {
  const list = (await daemon.call('GET', API.hosts)).json as unknown as HostsResponse;
  return list.hosts.find((h) => h.name === HOST);
}

beforeAll(async () => {
  pool = await startPool({ hosts: { count: 1, fakeNvidiaSmi: { 0: 'h200-idle' } } });
  [host] = pool.hosts as [TestHost];
  ({ daemon } = pool);
  await pool.register(HOST, host);
}, 180_000);

afterAll(async () => {
  await pool?.stop();
});

describe("a pool host's link", () => {
  it('lets llorch reach the host by the name it was added to the daemon with', async () => {
    const status = await runCli(['pool', 'status', '--host', HOST, '--json'], {
      RBEES_HOME: daemon.home,
      SSH_AUTH_SOCK: '',
    });
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(jsonLines(status.stdout).at(-1)).toMatchObject({
      event: 'status',
      gpus: [{ name: 'NVIDIA H200' }],
    });
  }, 60_000);

  it('marks the host offline when its link is cut, and back online by itself', async () => {
    await host.setLink(false);
    try {
      const offline = await eventually(
        hostState,
        (h) => h?.state === 'offline' || h?.state === 'reconnecting',
        60_000,
      );
      expect(offline?.state).toMatch(/offline|reconnecting/);
      expect(offline?.reason).toBeTruthy();
    } finally {
      await host.setLink(true);
    }
    const back = await eventually(hostState, (h) => h?.state === 'online', 60_000);
    expect(back?.state).toBe('online');
  }, 150_000);
});
