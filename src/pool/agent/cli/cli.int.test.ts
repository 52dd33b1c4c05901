/** The command line itself: help on every level, usage errors, exit codes, the error line. */
import { describe, expect, it } from 'vitest';
import { runAgent } from '../../../../scripts/testing/agent-process';

describe('rbees-pool command line', () => {
  it('prints help on every level and exits 0', async () => {
    const levels = [
      [],
      ['models'],
      ['models', 'list'],
      ['models', 'verify'],
      ['worker'],
      ['worker', 'spawn'],
      ['worker', 'logs'],
      ['git', 'pull'],
      ['status'],
    ];
    const runs = await Promise.all(levels.map((words) => runAgent([...words, '--help'])));
    for (const [i, run] of runs.entries()) {
      expect(run.code, levels[i]?.join(' ')).toBe(0);
      expect(run.stdout).toMatch(/^usage: rbees-pool/);
    }
    expect(runs[0]?.stdout).toMatch(/^ {2}worker +inference workers/m);
    expect(runs[5]?.stdout).toContain('--model ID');
  });

  it('exits 2 on a bad command line, naming the problem on stderr and in the JSON error line', async () => {
    const run = await runAgent([
      'worker',
      'spawn',
      'cuda',
      '--model',
      'x',
      '--slots',
      'two',
      '--json',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^rbees-pool: --slots "two" is not a whole number\n\nusage: rbees-pool worker spawn/,
    );
    expect(run.lines).toEqual([
      { event: 'error', code: 'BAD_REQUEST', message: '--slots "two" is not a whole number' },
    ]);

    const unknown = await runAgent(['status', '--verbose']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--verbose'");
    expect(unknown.stdout).toBe('');

    const missing = await runAgent([]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing command after "rbees-pool"/);
  });
});
