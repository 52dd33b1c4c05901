import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WriteCoalescer } from './coalescer';

describe('WriteCoalescer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes at once when the last write is older than the window', () => {
    const writes: string[] = [];
    const coalescer = new WriteCoalescer((text) => writes.push(text), 4);
    coalescer.push('a');
    expect(writes).toEqual(['a']);
    vi.advanceTimersByTime(10);
    coalescer.push('b');
    expect(writes).toEqual(['a', 'b']);
  });

  it('joins text pushed within the window into one write at its end', () => {
    const writes: string[] = [];
    const coalescer = new WriteCoalescer((text) => writes.push(text), 4);
    coalescer.push('a');
    vi.advanceTimersByTime(1);
    coalescer.push('b');
    coalescer.push('c');
    expect(writes).toEqual(['a']);
    vi.advanceTimersByTime(3);
    expect(writes).toEqual(['a', 'bc']);
  });

  it('flushes on demand and drops pending text on dispose', () => {
    const writes: string[] = [];
    const coalescer = new WriteCoalescer((text) => writes.push(text), 4);
    coalescer.push('a');
    coalescer.push('b');
    coalescer.flush();
    expect(writes).toEqual(['a', 'b']);
    coalescer.push('c');
    coalescer.dispose();
    vi.advanceTimersByTime(10);
    expect(writes).toEqual(['a', 'b']);
  });
});
