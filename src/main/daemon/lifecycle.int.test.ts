import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ensureTestModels } from '../../../scripts/test-models';
import { eventually } from '../../../scripts/testing/eventually';
import { startDaemonProcess } from '../../../scripts/testing/daemon-process';
import { descendantsOf, pidsMentioning } from '../../../scripts/testing/cli-process';
import { putModelOnHost, startPool } from '../../../scripts/testing/pool-fixture';
import type { TestHost } from '../../../scripts/testing/test-hosts';
import { API } from '../../shared/api';
import type { SpawnWorkerResponse } from '../../shared/hosts';
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
      // The failed start left nothing running, and its log says why it stopped.
      expect(await pidsMentioning(home)).toEqual([]);
      const log = readFileSync(join(home, 'logs', 'rbees-orcd.log'), 'utf8');
      expect(log).toContain('rbees-orcd could not start');
      expect(log).toContain('rbees-orcd stopped');
    } finally {
      rmSync(home, { recursive: true, force: true });
      await first.stop();
    }
  });

  it('stops with a pool host, its worker and a followed log: no process of it is left', async () => {
    const models = await ensureTestModels();
    const pool = await startPool({ hosts: { count: 1 } });
    let workerPid: number | undefined;
    try {
      const [host] = pool.hosts as [TestHost];
      await putModelOnHost(host, models.script, 'script.gguf');
      await pool.register('gpu1', host);
      const spawned = await pool.daemon.call('POST', API.hostWorkers('gpu1'), {
        backend: 'cpu',
        model: 'script',
      });
      expect(spawned.status, JSON.stringify(spawned.json)).toBe(201);
      const { id, pid } = spawned.json as unknown as SpawnWorkerResponse;
      workerPid = pid;
      // A reader of its log: the daemon runs a follower for it on the host, over SSH.
      const reader = new AbortController();
      const logs = await fetch(`${pool.daemon.url}${API.hostWorkerLogs('gpu1', id)}?follow=1`, {
        headers: { authorization: `Bearer ${pool.daemon.token}` },
        signal: reader.signal,
      });
      expect(logs.status).toBe(200);
      const following = await eventually(
        () => pidsMentioning(`worker logs ${id} --follow`),
        (pids) => pids.length === 1,
      );
      expect(following).toHaveLength(1);
      // The host's sessions and their commands, and the daemon's own children, before the stop.
      expect(await descendantsOf(host.sshdPid)).not.toEqual([]);
      const here = await descendantsOf(pool.daemon.pid);

      await pool.daemon.stop();
      expect(pool.daemon.child.exitCode).toBe(0);
      reader.abort();
      expect(
        await eventually(
          () => descendantsOf(host.sshdPid),
          (p) => p.length === 0,
        ),
      ).toEqual([]);
      expect(
        await eventually(
          async () => here.filter(isAlive),
          (p) => p.length === 0,
        ),
      ).toEqual([]);
      // A worker someone started outlives the daemon by design; nothing else of it runs.
      expect(isAlive(pid)).toBe(true);
    } finally {
      if (workerPid !== undefined) killGroup(workerPid);
      await pool.stop();
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

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
