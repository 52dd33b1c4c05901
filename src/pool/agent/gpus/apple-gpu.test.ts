import { describe, expect, it } from 'vitest';
import { parseSystemProfiler } from './apple-gpu';

const GIB = 1024 ** 3;
const RAM = { total: 32 * GIB, free: 20 * GIB };

describe('system_profiler parsing', () => {
  it('gives Apple silicon the host RAM as unified memory', () => {
    const json = JSON.stringify({
      SPDisplaysDataType: [
        {
          _name: 'Apple M2 Pro',
          sppci_model: 'Apple M2 Pro',
          sppci_cores: '19',
          spdisplays_vendor: 'sppci_vendor_Apple',
          spdisplays_mtlgpufamilysupport: 'spdisplays_metal3',
        },
      ],
    });
    expect(parseSystemProfiler(json, RAM)).toEqual([
      expect.objectContaining({
        vendor: 'apple',
        index: 0,
        name: 'Apple M2 Pro',
        unified_memory: true,
        memory_total_bytes: 32 * GIB,
        memory_free_bytes: 20 * GIB,
        memory_used_bytes: 12 * GIB,
      }),
    ]);
  });

  it('keeps the VRAM of a discrete GPU in an Intel Mac', () => {
    const json = JSON.stringify({
      SPDisplaysDataType: [
        {
          sppci_model: 'AMD Radeon Pro 5500M',
          spdisplays_vram: '8 GB',
          spdisplays_vendor: 'sppci_vendor_amd',
        },
      ],
    });
    expect(parseSystemProfiler(json, RAM)[0]).toMatchObject({
      unified_memory: false,
      memory_total_bytes: 8 * GIB,
      memory_free_bytes: null,
    });
  });

  it('answers no GPUs for output it cannot read', () => {
    expect(parseSystemProfiler('not json', RAM)).toEqual([]);
    expect(parseSystemProfiler('{}', RAM)).toEqual([]);
  });
});
