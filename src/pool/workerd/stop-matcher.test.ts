import { describe, expect, it } from 'vitest';
import { StopMatcher } from './stop-matcher';

/** Feeds chunks; returns what was emitted (flushed at the end) and whether it stopped. */
function run(stops: string[], chunks: string[]) {
  const matcher = new StopMatcher(stops);
  const emitted = chunks.map((chunk) => matcher.push(chunk));
  emitted.push(matcher.flush());
  return { text: emitted.join(''), emitted, stopped: matcher.stopped };
}

describe('StopMatcher', () => {
  it('passes text through when no stop sequence begins', () => {
    expect(run([' fox'], ['The', ' quick', ' brown'])).toEqual({
      text: 'The quick brown',
      emitted: ['The', ' quick', ' brown', ''],
      stopped: false,
    });
  });

  it('stops at a sequence split across chunks, holding back only its possible start', () => {
    const result = run([' fox'], ['quick', ' brown ', 'fo', 'x jumps']);
    expect(result.emitted).toEqual(['quick', ' brown', '', '', '']);
    expect(result.text).toBe('quick brown');
    expect(result.stopped).toBe(true);
  });

  it('releases held text that turned out not to be a stop', () => {
    expect(run(['User:'], ['Use', 'ful', ' tip'])).toMatchObject({
      text: 'Useful tip',
      stopped: false,
    });
    expect(run(['User:'], ['a', 'Us']).emitted).toEqual(['a', '', 'Us']);
  });

  it('cuts at the earliest of several stop sequences', () => {
    expect(run(['\n\n', 'END'], ['one END two\n\nthree'])).toMatchObject({
      text: 'one ',
      stopped: true,
    });
  });

  it('emits nothing after the stop', () => {
    const matcher = new StopMatcher(['.']);
    expect(matcher.push('Done. More')).toBe('Done');
    expect(matcher.push('text')).toBe('');
    expect(matcher.flush()).toBe('');
  });
});
