import { describe, expect, it } from 'vitest';
import { OverlapTrimmer } from './log-resync';

function run(tail: string[], incoming: string[], settleAtEnd = false): string[] {
  const trimmer = new OverlapTrimmer(tail);
  const out = incoming.flatMap((line) => trimmer.push(line));
  return settleAtEnd ? [...out, ...trimmer.settle()] : out;
}

describe('OverlapTrimmer', () => {
  it('drops lines the buffer already has when nothing was missed', () => {
    expect(run(['a', 'b', 'c'], ['a', 'b', 'c', 'd', 'e'])).toEqual(['d', 'e']);
  });

  it('keeps the lines written during the gap', () => {
    // The log grew by x, y while disconnected: the reply is its last three lines.
    expect(run(['a', 'b', 'c'], ['c', 'x', 'y', 'z'])).toEqual(['x', 'y', 'z']);
  });

  it('passes everything when the gap was longer than the tail', () => {
    expect(run(['a', 'b'], ['p', 'q', 'r'])).toEqual(['p', 'q', 'r']);
  });

  it('prefers the longest overlap with repeated lines', () => {
    expect(run(['x', 'x', 'x'], ['x', 'x', 'x', 'new'])).toEqual(['new']);
    expect(run(['a', 'x', 'a', 'x'], ['a', 'x', 'a', 'x', 'b'])).toEqual(['b']);
  });

  it('releases held lines when the stream ends undecided', () => {
    expect(run(['a', 'b', 'c'], ['a', 'b'])).toEqual([]);
    expect(run(['a', 'b', 'c'], ['b', 'c'], true)).toEqual([]);
    expect(run(['a', 'b', 'c'], ['a', 'b'], true)).toEqual(['a', 'b']);
  });

  it('is a no-op without a tail', () => {
    expect(run([], ['a', 'b'])).toEqual(['a', 'b']);
  });
});
