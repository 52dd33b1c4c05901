import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ensureTestModels } from '../../../scripts/test-models';
import { eventually } from '../../../scripts/testing/eventually';
import { startDaemonProcess } from '../../../scripts/testing/daemon-process';
import { isRunning } from '../../../scripts/testing/test-hosts/proc';
import { Client } from '../../shared/sdk';

const SERVE = fileURLToPath(new URL('../../../out/main/serve.js', import.meta.url));

describe('rbees-orcd lifecycle', () => {
  it('refuses a taken port with a message that names it and the fix', async () => {
    const first = await startDaemonProcess();
    const home = mkdtempSync(join(tmpdir(), 'rbees-home-'));
    try {
      const port = new URL(first.url).port;
      const second = spawnSync(process.execPath, [SERVE], {
        env: { ...process.env, RBEES_HOME: home, RBEES_PORT: port },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(second.status).toBe(1);
      expect(second.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(second.stderr).toContain(`RBEES_PORT=${Number(port) + 1} npm run serve`);
    } finally {
      rmSync(home, { recursive: true, force: true });
      await first.stop();
    }
  });

  it('unloads an idle worker, and stops its workers when it stops', async () => {
    const models = await ensureTestModels();
    const daemon = await startDaemonProcess({
      models: [{ path: models.script, as: 'script.gguf' }],
      env: { RBEES_WORKER_IDLE_S: '1' },
    });
    const client = new Client(daemon.url, { token: daemon.token });
    try {
      for await (const _event of client.enqueueStream({
        model: 'script',
        prompt: 'hi',
        max_tokens: 4,
      }));
      const loaded = await client.workers();
      expect(loaded.map((worker) => worker.state)).toEqual(['ready']);
      const idle = await eventually(
        () => client.workers(),
        (workers) => workers.length === 0,
      );
      expect(idle).toEqual([]);
      expect(await isRunning(loaded[0]?.pid ?? -1)).toBe(false);

      for await (const _event of client.enqueueStream({
        model: 'script',
        prompt: 'hi',
        max_tokens: 4,
      }));
      const [worker] = await client.workers();
      expect(await isRunning(worker?.pid ?? -1)).toBe(true);
      await daemon.stop();
      expect(await isRunning(worker?.pid ?? -1)).toBe(false);
    } finally {
      await daemon.stop();
    }
  });
});
