import { describe, expect, it } from 'vitest';
import { parseRocmSmi } from './rocm-smi';

/**
 * Written from rocm-smi's documented `--json` output (`{"card0": {"<field> (<unit>)": "<value>"}}`,
 * values as strings, bytes for VRAM); no AMD capture exists in this repository.
 */
const SAMPLE = JSON.stringify({
  card0: {
    'Temperature (Sensor edge) (C)': '41.0',
    'Temperature (Sensor junction) (C)': '45.0',
    'Temperature (Sensor memory) (C)': '52.0',
    'GPU use (%)': '12',
    'VRAM Total Memory (B)': '68702699520',
    'VRAM Total Used Memory (B)': '10616832',
    'Card Series': 'Instinct MI210',
    'Card Model': '0x740f',
    'GFX Version': 'gfx90a',
  },
  card1: {
    'Card series': 'Radeon RX 7900 XTX',
    'GPU use (%)': 'N/A',
    'VRAM Total Memory (B)': '25753026560',
  },
  system: { 'Driver version': '6.8.5' },
});

describe('rocm-smi parsing', () => {
  it('reads each card, with nulls for what a card does not report', () => {
    const [first, second, ...more] = parseRocmSmi(SAMPLE);
    expect(more).toEqual([]);
    expect(first).toMatchObject({
      vendor: 'amd',
      index: 0,
      name: 'Instinct MI210',
      memory_total_bytes: 68702699520,
      memory_used_bytes: 10616832,
      memory_free_bytes: 68702699520 - 10616832,
      utilization_pct: 12,
      temperature_c: 41,
      compute_capability: 'gfx90a',
      processes: [],
    });
    expect(second).toMatchObject({
      index: 1,
      name: 'Radeon RX 7900 XTX',
      memory_total_bytes: 25753026560,
      memory_used_bytes: null,
      memory_free_bytes: null,
      utilization_pct: null,
      temperature_c: null,
    });
  });

  it('answers no GPUs, not a crash, for output it cannot read', () => {
    expect(parseRocmSmi('WARNING: No AMD GPUs specified')).toEqual([]);
    expect(parseRocmSmi('[]')).toEqual([]);
    expect(parseRocmSmi('{"card0": "odd"}')).toEqual([]);
  });
});
