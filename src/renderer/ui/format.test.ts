import { describe, expect, it } from 'vitest';
import { formatBytes, formatMs, formatRate } from './format';

describe('formatBytes', () => {
  it('uses decimal units with a few significant digits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1536)).toBe('1.54 KB');
    expect(formatBytes(669_000_000)).toBe('669 MB');
    expect(formatBytes(4_370_000_000)).toBe('4.37 GB');
    expect(formatBytes(-1)).toBe('—');
  });
});

describe('formatMs', () => {
  it('switches to seconds past one second', () => {
    expect(formatMs(83.4)).toBe('83 ms');
    expect(formatMs(1240)).toBe('1.24 s');
    expect(formatMs(12_345)).toBe('12.3 s');
    expect(formatMs(null)).toBe('—');
  });
});

describe('formatRate', () => {
  it('keeps three significant digits where they matter', () => {
    expect(formatRate(8.421)).toBe('8.42');
    expect(formatRate(37.14)).toBe('37.1');
    expect(formatRate(2140.6)).toBe('2141');
    expect(formatRate(undefined)).toBe('—');
  });
});
