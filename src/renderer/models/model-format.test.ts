import { describe, expect, it } from 'vitest';
import { formatContext, formatEta, formatParams, formatQuant } from './model-format';

describe('formatParams', () => {
  it('scales to K, M, B with one decimal below ten', () => {
    expect(formatParams(1_100_048_384)).toBe('1.1B');
    expect(formatParams(70_553_706_496)).toBe('71B');
    expect(formatParams(620_000)).toBe('620K');
    expect(formatParams(999)).toBe('999');
    expect(formatParams(undefined)).toBe('—');
    expect(formatParams(0)).toBe('—');
  });
});

describe('formatContext', () => {
  it('writes powers of two in K', () => {
    expect(formatContext(2048)).toBe('2K');
    expect(formatContext(131_072)).toBe('128K');
    expect(formatContext(1000)).toBe('1000');
    expect(formatContext(undefined)).toBe('—');
  });
});

describe('formatEta', () => {
  it('uses seconds, then minutes, then hours', () => {
    expect(formatEta(7.2)).toBe('8 s');
    expect(formatEta(125)).toBe('2 min 05 s');
    expect(formatEta(4320)).toBe('1 h 12 min');
    expect(formatEta(null)).toBe('—');
    expect(formatEta(-1)).toBe('—');
  });
});

describe('formatQuant', () => {
  it('drops the ALL_/MOSTLY_ prefix', () => {
    expect(formatQuant('MOSTLY_Q4_K_M')).toBe('Q4_K_M');
    expect(formatQuant('ALL_F32')).toBe('F32');
    expect(formatQuant('Q8_0')).toBe('Q8_0');
    expect(formatQuant(undefined)).toBeNull();
  });
});
