import { describe, expect, it } from 'vitest';
import { LogBuffer } from './log-buffer';

const numbered = (from: number, count: number, prefix = 'line') =>
  Array.from({ length: count }, (_, i) => `${prefix} ${from + i}`);

const texts = (buffer: LogBuffer, from = 0, to = buffer.viewCount()) =>
  buffer.viewRange(from, to).map((l) => l.text);

describe('LogBuffer', () => {
  it('appends batches across chunk boundaries and reads ranges by view index', () => {
    const buffer = new LogBuffer();
    buffer.append(numbered(0, 3));
    buffer.append(numbered(3, 5000));
    buffer.append(numbered(5003, 4000));
    expect(buffer.size).toBe(9003);
    expect(buffer.viewCount()).toBe(9003);
    expect(texts(buffer, 4094, 4098)).toEqual(['line 4094', 'line 4095', 'line 4096', 'line 4097']);
    expect(buffer.viewRange(9001, 9010)).toEqual([
      { n: 9001, text: 'line 9001' },
      { n: 9002, text: 'line 9002' },
    ]);
    expect(buffer.tail(2)).toEqual(['line 9001', 'line 9002']);
  });

  it('bumps its version and tells subscribers on every change', () => {
    const buffer = new LogBuffer();
    let calls = 0;
    const unsubscribe = buffer.subscribe(() => calls++);
    buffer.append(['a']);
    buffer.append([]);
    buffer.setQuery('a');
    expect(buffer.version).toBe(2);
    expect(calls).toBe(2);
    unsubscribe();
    buffer.append(['b']);
    expect(calls).toBe(2);
  });

  it('drops the oldest lines past the cap, counts them and keeps absolute numbers', () => {
    const buffer = new LogBuffer(10_000);
    buffer.append(numbered(0, 9000));
    buffer.append(numbered(9000, 3500));
    expect(buffer.size).toBe(10_000);
    expect(buffer.start).toBe(2500);
    expect(buffer.end).toBe(12_500);
    expect(buffer.viewRange(0, 1)).toEqual([{ n: 2500, text: 'line 2500' }]);
    expect(() => buffer.line(2499)).toThrow(RangeError);
    // Many more chunks than fit: the store stays at the cap, line numbers keep counting.
    for (let i = 0; i < 30; i++) buffer.append(numbered(12_500 + i * 1000, 1000));
    expect(buffer.size).toBe(10_000);
    expect(buffer.start).toBe(32_500);
    expect(texts(buffer, 9999, 10_000)).toEqual(['line 42499']);
  });

  it('keeps a cap of one line', () => {
    const buffer = new LogBuffer(1);
    buffer.append(['a', 'b', 'c']);
    expect(texts(buffer)).toEqual(['c']);
    expect(buffer.start).toBe(2);
  });

  it('filters case-insensitively, tests new lines as they arrive, and clears', () => {
    const buffer = new LogBuffer();
    buffer.append(['Loading model', 'error: no GPU', 'ready', 'ERROR again', 'a.b', 'axb']);
    buffer.setQuery('error');
    expect(buffer.scanning).toBe(true);
    expect(buffer.scan()).toBe(true);
    expect(texts(buffer)).toEqual(['error: no GPU', 'ERROR again']);
    expect(buffer.viewRange(0, 2).map((l) => l.n)).toEqual([1, 3]);
    buffer.append(['fine', 'Error three']);
    expect(buffer.viewCount()).toBe(3);
    expect(texts(buffer, 2, 3)).toEqual(['Error three']);
    // Regexp characters are matched literally.
    buffer.setQuery('a.b');
    buffer.scan();
    expect(texts(buffer)).toEqual(['a.b']);
    buffer.setQuery('');
    expect(buffer.scanning).toBe(false);
    expect(buffer.viewCount()).toBe(8);
  });

  it('rescans in slices, and lines that arrive meanwhile are scanned once', () => {
    const buffer = new LogBuffer();
    buffer.append(numbered(0, 10_000));
    buffer.setQuery('7');
    expect(buffer.scan(3000)).toBe(false);
    buffer.append(['seven 7', 'six']);
    let slices = 1;
    while (!buffer.scan(3000)) slices++;
    // Up to 6,000, up to 9,000, then the 1,002 left.
    expect(slices).toBe(3);
    const expected = [...numbered(0, 10_000), 'seven 7', 'six'].filter((l) => l.includes('7'));
    expect(texts(buffer)).toEqual(expected);
  });

  it('forgets matches of dropped lines', () => {
    const buffer = new LogBuffer(5000);
    buffer.setQuery('hit');
    for (let i = 0; i < 20; i++) buffer.append(numbered(i * 1000, 1000, i % 2 ? 'hit' : 'miss'));
    // Kept: 15000..19999; odd thousands hit: 15000-15999, 17000-17999, 19000-19999.
    expect(buffer.viewCount()).toBe(3000);
    expect(buffer.viewRange(0, 1)).toEqual([{ n: 15_000, text: 'hit 15000' }]);
    expect(buffer.viewRange(2999, 3000)).toEqual([{ n: 19_999, text: 'hit 19999' }]);
  });

  it('counts and copies only lines below a limit (a paused view)', () => {
    const buffer = new LogBuffer();
    buffer.append(['a1', 'b2', 'a3', 'b4', 'a5']);
    expect(buffer.viewCount(3)).toBe(3);
    expect(buffer.viewText(3)).toBe('a1\nb2\na3');
    buffer.setQuery('A');
    buffer.scan();
    expect(buffer.viewCount(3)).toBe(2);
    expect(buffer.viewText(3)).toBe('a1\na3');
    expect(buffer.viewText()).toBe('a1\na3\na5');
  });

  it('filters 200,000 lines quickly (printed, not asserted: machines differ)', () => {
    const buffer = new LogBuffer();
    const levels = ['INFO', 'DEBUG', 'WARN', 'ERROR'];
    const lines = Array.from(
      { length: 200_000 },
      (_, i) =>
        `2025-01-01T00:00:${String(i % 60).padStart(2, '0')}Z ${levels[i % 4]} llama_decode: ` +
        `slot ${i % 8} processed ${i} tokens, n_past = ${i * 3}, kv cache used ${i % 97}%`,
    );
    let start = performance.now();
    for (let i = 0; i < lines.length; i += 100) buffer.append(lines.slice(i, i + 100));
    const appendMs = performance.now() - start;

    const timings: string[] = [];
    for (const query of ['error', 'slot 3 processed 1999', 'no such text', 'ERROR']) {
      buffer.setQuery(query);
      start = performance.now();
      let slowest = 0;
      for (;;) {
        const sliceStart = performance.now();
        const done = buffer.scan(Infinity, 8);
        slowest = Math.max(slowest, performance.now() - sliceStart);
        if (done) break;
      }
      const ms = performance.now() - start;
      buffer.setQuery(query.toUpperCase() === query ? 'x' : 'y');
      start = performance.now();
      buffer.setQuery(query);
      buffer.scan();
      const oneGo = performance.now() - start;
      timings.push(
        `"${query}": ${buffer.viewCount()} matches, ${ms.toFixed(1)} ms in slices, ${oneGo.toFixed(1)} ms in one go, ` +
          `slowest 8-ms-budget slice ${slowest.toFixed(1)} ms`,
      );
    }
    start = performance.now();
    const lowered = lines.filter((l) => l.toLowerCase().includes('error')).length;
    const lowerMs = performance.now() - start;

    console.log(
      `LogBuffer, 200,000 lines: append in 100-line batches ${appendMs.toFixed(1)} ms\n  ` +
        `${timings.join('\n  ')}\n  ` +
        `(for comparison, toLowerCase().includes(): ${lowered} matches in ${lowerMs.toFixed(1)} ms)`,
    );
    buffer.setQuery('error');
    buffer.scan();
    expect(buffer.viewCount()).toBe(50_000);
  });
});
