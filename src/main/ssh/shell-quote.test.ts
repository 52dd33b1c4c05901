import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { forLoginShell, poolCommand, quoteDir, shellJoin, shellQuote } from './shell-quote';

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

describe('forLoginShell: one command that every login shell runs alike', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rbees-login-shell-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const marker = join(dir, 'pwned');
  // Each broke one shell under plain POSIX quoting: fish reads `\'` inside single quotes as a
  // quote (so `(touch …)` ran), zsh expands a bare `=ls` to /usr/bin/ls.
  const hostile = [
    "'; rm -rf ~'",
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    'a\\',
    ` (touch ${marker}) `,
    'b\\',
    'line\nbreak',
    '*',
    '=ls',
    'trailing\\',
    '',
    '%1',
    '{a,b}',
    'ünïcødé ✓',
  ];
  // Debian's packages; CI installs them (.ci/run), as check-env does for `npm test`.
  const shells = ['/bin/sh', '/bin/dash', '/bin/bash', '/usr/bin/zsh', '/usr/bin/fish'];

  function run(shell: string, command: string, input = '', env = process.env) {
    return new Promise<{ stdout: string; pid: number | undefined; code: number | null }>(
      (resolve, reject) => {
        const child = spawn(shell, ['-c', command], { env });
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.once('error', reject);
        child.once('close', (code) => resolve({ stdout, pid: child.pid, code }));
        child.stdin.end(input);
      },
    );
  }

  it.each(shells)('%s passes every argument through literally and runs nothing', async (sh) => {
    expect(existsSync(sh), `${sh} is missing: apt-get install -y fish zsh`).toBe(true);
    const script = poolCommand(dir, ['%s\\0', ...hostile], 'printf');
    const { stdout, code } = await run(sh, forLoginShell(script));
    expect(code).toBe(0);
    expect(stdout.split('\0').slice(0, -1)).toEqual(hostile);
    expect(existsSync(marker)).toBe(false);
  });

  it.each(shells)('%s leaves stdin to the script and `exec` to the program', async (sh) => {
    const script = `if true; then rc=$?; fi; exec ${shellJoin(['node', '-e', 'process.stdin.pipe(process.stdout); process.stdout.write(process.pid + " ")'])}`;
    const { stdout, pid } = await run(sh, forLoginShell(script), 'from stdin');
    // The program is the login shell's own process: a TERM sent to the session reaches it.
    expect(stdout).toBe(`${pid} from stdin`);
  });

  it("decodes with macOS's -D where base64 has no -d", async () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    const fake = join(bin, 'base64');
    writeFileSync(
      fake,
      '#!/bin/sh\n[ "$1" = -D ] && exec /usr/bin/base64 -d\necho "base64: invalid option -- $1" >&2\nexit 64\n',
    );
    chmodSync(fake, 0o755);
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
    const { stdout } = await run('/usr/bin/fish', forLoginShell("echo 'decoded'"), '', env);
    expect(stdout).toBe('decoded\n');
  });

  it('keeps quotes and backslashes out of what the login shell parses', () => {
    const command = forLoginShell(shellJoin(hostile));
    expect(command).toMatch(/^exec sh -c '[^'\\]*'$/);
    expect(() => forLoginShell('a\0b')).toThrow(/NUL/);
  });
});
