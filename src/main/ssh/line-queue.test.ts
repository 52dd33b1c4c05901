import { describe, expect, it } from 'vitest';
import { LineQueue, LineSplitter } from './line-queue';

describe('LineSplitter', () => {
  it('joins lines and UTF-8 characters split across chunks', () => {
    const bytes = Buffer.from('héllo wörld\r\nsecond ✓ line\nlast');
    const splitter = new LineSplitter();
    const lines: string[] = [];
    // One byte at a time: every multi-byte character is split.
    for (const byte of bytes) lines.push(...splitter.push(Uint8Array.of(byte)));
    lines.push(...splitter.end());
    expect(lines).toEqual(['héllo wörld', 'second ✓ line', 'last']);
  });

  it('keeps empty lines and adds none at the end', () => {
    const splitter = new LineSplitter();
    expect([...splitter.push(Buffer.from('a\n\nb\n')), ...splitter.end()]).toEqual(['a', '', 'b']);
  });
});

describe('LineQueue', () => {
  it('delivers buffered and later items, then ends', async () => {
    const q = new LineQueue<number>();
    q.push(1);
    setTimeout(() => {
      q.push(2);
      q.end();
    }, 10);
    const got: number[] = [];
    for await (const n of q) got.push(n);
    expect(got).toEqual([1, 2]);
  });

  it('throws the end error after the buffered items', async () => {
    const q = new LineQueue<number>();
    q.push(1);
    q.end(new Error('lost'));
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const n of q) got.push(n);
      })(),
    ).rejects.toThrow('lost');
    expect(got).toEqual([1]);
  });

  it('asks the producer to pause while the reader lags, and to resume', async () => {
    const calls: boolean[] = [];
    const q = new LineQueue<number>((pause) => calls.push(pause));
    const it = q[Symbol.asyncIterator]();
    for (let i = 0; i < 2000; i++) q.push(i);
    expect(calls).toEqual([true]);
    for (let i = 0; i < 1800; i++) await it.next();
    expect(calls).toEqual([true, false]);
    await it.return?.();
    q.push(5); // Ignored after the reader left.
    expect(calls).toEqual([true, false]);
  });
});
