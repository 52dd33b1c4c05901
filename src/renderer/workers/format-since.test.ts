import { describe, expect, it } from 'vitest';
import { formatSince } from './format-since';

const NOW = Date.parse('2025-01-02T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe('formatSince', () => {
  it('says how long ago, coarsely', () => {
    expect(formatSince(ago(10_000), NOW)).toBe('just now');
    expect(formatSince(ago(3 * 60_000), NOW)).toBe('3 min ago');
    expect(formatSince(ago(59 * 60_000), NOW)).toBe('59 min ago');
    expect(formatSince(ago(2 * 3600_000 + 5 * 60_000), NOW)).toBe('2 h ago');
    expect(formatSince(ago(3 * 86400_000), NOW)).toBe('3 d ago');
  });

  it('treats a start slightly in the future as just now, and garbage as unknown', () => {
    expect(formatSince(ago(-5_000), NOW)).toBe('just now');
    expect(formatSince('not a date', NOW)).toBe('—');
  });
});
