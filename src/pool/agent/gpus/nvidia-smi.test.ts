import { describe, expect, it } from 'vitest';
import { attachApps, GPU_FIELDS, parseComputeApps, parseGpuQuery, parseNumber } from './nvidia-smi';
import { fixture } from '../../../../scripts/testing/agent-fixtures';

const MIB = 1024 * 1024;

describe('nvidia-smi parsing, against the real H200 captures', () => {
  it('queries exactly the fields the fixtures were captured with', async () => {
    const readme = await fixture('README.md');
    expect(readme).toContain(`--query-gpu=${GPU_FIELDS.join(',')} --format=csv,noheader,nounits`);
  });

  it('reads the idle GPU', async () => {
    const [gpu, ...more] = parseGpuQuery(await fixture('h200-idle-query.csv'));
    expect(more).toEqual([]);
    expect(gpu).toEqual({
      vendor: 'nvidia',
      index: 0,
      uuid: 'GPU-bd43af9b-dbdb-0ffb-f8d3-76cac3c5037e',
      name: 'NVIDIA H200',
      memory_total_bytes: 143771 * MIB,
      memory_used_bytes: 0,
      memory_free_bytes: 143156 * MIB,
      unified_memory: false,
      utilization_pct: 0,
      temperature_c: 38,
      power_draw_w: 123.06,
      power_limit_w: 700,
      fan_pct: null,
      pci_bus_id: '00000000:00:06.0',
      driver_version: '580.159.04',
      compute_capability: '9.0',
      processes: [],
    });
  });

  it('reads the busy GPU and attaches its compute process', async () => {
    const gpus = parseGpuQuery(await fixture('h200-busy-query.csv'));
    const apps = parseComputeApps(await fixture('h200-busy-apps.csv'));
    const [gpu] = attachApps(gpus, apps);
    expect(gpu).toMatchObject({
      memory_total_bytes: 143771 * MIB,
      memory_used_bytes: 41935 * MIB,
      memory_free_bytes: 101222 * MIB,
      utilization_pct: 93,
      temperature_c: 55,
      power_draw_w: 370.25,
      power_limit_w: 700,
      fan_pct: null,
      processes: [{ pid: 467, name: 'python3', used_memory_bytes: 41926 * MIB }],
    });
  });

  it('has no processes when idle (empty apps output)', async () => {
    expect(parseComputeApps(await fixture('h200-idle-apps.csv'))).toEqual([]);
  });

  it('places processes by gpu_uuid when there are several GPUs', async () => {
    const idle = await fixture('h200-idle-query.csv');
    const second = idle.replace(/^0, GPU-bd43/, '1, GPU-ffff');
    const gpus = parseGpuQuery(`${idle}${second}`);
    const apps = parseComputeApps(
      '467, python3, 41926, GPU-ffffaf9b-dbdb-0ffb-f8d3-76cac3c5037e\n9, my, app, 10, GPU-bd43af9b-dbdb-0ffb-f8d3-76cac3c5037e\n12, orphan, 5\n',
    );
    const [first, other] = attachApps(gpus, apps);
    expect(first?.processes).toEqual([{ pid: 9, name: 'my, app', used_memory_bytes: 10 * MIB }]);
    expect(other?.processes).toEqual([
      { pid: 467, name: 'python3', used_memory_bytes: 41926 * MIB },
    ]);
  });

  it('keeps a GPU name that contains a comma', async () => {
    const line = (await fixture('h200-idle-query.csv')).replace(
      'NVIDIA H200',
      'NVIDIA H200, rev B',
    );
    expect(parseGpuQuery(line)[0]).toMatchObject({
      name: 'NVIDIA H200, rev B',
      memory_total_bytes: 143771 * MIB,
      compute_capability: '9.0',
    });
  });

  it('turns every "not available" spelling into null, and tolerates units', () => {
    for (const raw of ['[N/A]', '[Not Supported]', '[Unknown Error]', 'N/A', '', undefined]) {
      expect(parseNumber(raw)).toBeNull();
    }
    expect(parseNumber(' 143771 MiB')).toBe(143771);
    expect(parseNumber('93 %')).toBe(93);
  });
});
