/** `rbees-pool status` end to end: the real CLI, a fake nvidia-smi on PATH, or no GPU tool. */
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyPath, runAgent, tempHome } from '../../../../scripts/testing/agent-process';
import { fakeNvidiaSmi } from '../../../../scripts/testing/agent-fixtures';

const MIB = 1024 * 1024;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function home() {
  const h = await tempHome();
  cleanups.push(h.cleanup);
  return h;
}

describe('rbees-pool status', () => {
  it('reports the busy H200 from nvidia-smi, its process attached', async () => {
    const { home: rbeesHome } = await home();
    const smi = await fakeNvidiaSmi('busy');
    cleanups.push(() => rm(smi, { recursive: true, force: true }));
    const run = await runAgent(['status', '--json'], {
      RBEES_HOME: rbeesHome,
      PATH: `${smi}:${process.env.PATH ?? ''}`,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.lines).toHaveLength(1);
    expect(run.last).toMatchObject({
      event: 'status',
      platform: process.platform,
      disk: { path: `${rbeesHome}/models` },
      gpus: [
        {
          vendor: 'nvidia',
          index: 0,
          name: 'NVIDIA H200',
          memory_total_bytes: 143771 * MIB,
          memory_free_bytes: 101222 * MIB,
          utilization_pct: 93,
          fan_pct: null,
          processes: [{ pid: 467, name: 'python3', used_memory_bytes: 41926 * MIB }],
        },
      ],
      models: [],
      workers: [],
    });
    expect(run.last.probes).toContainEqual({ tool: 'nvidia-smi', status: 'ok' });
    const memory = run.last.memory as { total_bytes: number; free_bytes: number };
    expect(memory.total_bytes).toBeGreaterThan(memory.free_bytes);
    expect((run.last.disk as { free_bytes: number }).free_bytes).toBeGreaterThan(0);
    expect(run.last.cpu).toMatchObject({ cores: expect.any(Number) as number });
  });

  it('answers gpus: [] when no GPU tool exists, and says so in human output too', async () => {
    const { home: rbeesHome } = await home();
    const empty = await emptyPath();
    cleanups.push(empty.cleanup);
    const env = { RBEES_HOME: rbeesHome, PATH: empty.path };
    const run = await runAgent(['status', '--json'], env);
    expect(run.code).toBe(0);
    expect(run.last).toMatchObject({ event: 'status', gpus: [] });
    expect(run.last.probes).toEqual([
      { tool: 'nvidia-smi', status: 'absent' },
      { tool: 'rocm-smi', status: 'absent' },
    ]);
    const human = await runAgent(['status'], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^gpus +none found$/m);
  });

  it('reports a broken nvidia-smi as failed, not as a failed status', async () => {
    const { home: rbeesHome } = await home();
    const smi = await fakeNvidiaSmi('idle');
    cleanups.push(() => rm(smi, { recursive: true, force: true }));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      `${smi}/nvidia-smi`,
      '#!/bin/sh\necho "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver."\nexit 9\n',
    );
    const run = await runAgent(['status', '--json'], {
      RBEES_HOME: rbeesHome,
      PATH: `${smi}:${process.env.PATH ?? ''}`,
    });
    expect(run.code).toBe(0);
    expect(run.last.gpus).toEqual([]);
    expect(run.last.probes).toContainEqual({
      tool: 'nvidia-smi',
      status: 'failed',
      message:
        "nvidia-smi: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
    });
  });
});
