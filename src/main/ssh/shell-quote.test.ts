import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { poolCommand, quoteDir, shellJoin, shellQuote } from './shell-quote';

/** What a real POSIX shell makes of the quoted words: one argument per output record. */
function throughShell(line: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('shell quoting', () => {
  const nasty = [
    'plain',
    '',
    'two words',
    "it's",
    "''",
    '$HOME',
    '`id`',
    '$(id)',
    'a\nb',
    'tab\there',
    '\\back\\slash',
    '"double"',
    '*',
    '~',
    '-n',
    ';rm -rf /;',
    'ünïcødé ✓',
  ];

  it('round-trips every argument through sh unchanged', () => {
    expect(throughShell(shellJoin(nasty))).toEqual(nasty);
  });

  it('leaves safe words bare and escapes single quotes', () => {
    expect(shellQuote('models/llama-3.gguf')).toBe('models/llama-3.gguf');
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });

  it('builds `cd <dir> && exec rbees-pool …`, keeping ~/ expandable', () => {
    expect(poolCommand('~/.rbees/agent', ['status', '--json'])).toBe(
      'cd "$HOME"/.rbees/agent && exec rbees-pool status --json',
    );
    expect(poolCommand('/opt/my agent', ['pull', "a'b"])).toBe(
      "cd '/opt/my agent' && exec rbees-pool pull 'a'\\''b'",
    );
    expect(poolCommand('a', ['x'], './rbees-pool', { HF_ENDPOINT: 'http://h:1/a b' })).toBe(
      "cd a && exec env 'HF_ENDPOINT=http://h:1/a b' ./rbees-pool x",
    );
    const home = execFileSync('/bin/sh', ['-c', `cd ${quoteDir('~')} && pwd`], {
      encoding: 'utf8',
      env: { ...process.env, HOME: '/tmp' },
    });
    expect(home.trim()).toBe('/tmp');
  });
});
