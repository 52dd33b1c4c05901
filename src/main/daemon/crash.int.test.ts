/**
 * A daemon that dies without closing (SIGKILL, a native crash) leaves nothing of this computer's
 * behind: its workers end by their parent watch, and their keepers neither restart them nor
 * linger. (A pool host's workers are another matter: they live on for the next daemon to adopt.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureTestModels } from '../../../scripts/test-models';
import { eventually } from '../../../scripts/testing/eventually';
import { startDaemonProcess } from '../../../scripts/testing/daemon-process';
import { isRunning } from '../../../scripts/testing/test-hosts/proc';
import type { WorkerRecord } from '../../shared/pool-status';
import { Client } from '../../shared/sdk';

describe('a daemon killed', () => {
  it("takes this computer's workers and their keepers with it", async () => {
    const models = await ensureTestModels();
    const daemon = await startDaemonProcess({
      models: [{ path: models.script, as: 'script.gguf' }],
    });
    const client = new Client(daemon.url, { token: daemon.token });
    try {
      for await (const _event of client.enqueueStream({
        model: 'script',
        prompt: 'hi',
        max_tokens: 2,
      }));
      const [worker] = await client.workers();
      expect(worker?.state).toBe('ready');
      const stateFile = join(daemon.home, 'workers', `${worker?.id ?? ''}.json`);
      const record = JSON.parse(readFileSync(stateFile, 'utf8')) as WorkerRecord;
      const pids = [record.pid, record.keeper_pid ?? -1];
      expect(pids.every((pid) => pid > 0)).toBe(true);
      expect(await isRunning(record.pid)).toBe(true);
      expect(await isRunning(record.keeper_pid ?? -1)).toBe(true);

      daemon.child.kill('SIGKILL');
      const running = await eventually(
        async () => (await Promise.all(pids.map(isRunning))).some(Boolean),
        (any) => !any,
        15_000,
      );
      expect(running).toBe(false);
      expect(existsSync(stateFile)).toBe(false);
    } finally {
      await daemon.stop();
    }
  });
});
