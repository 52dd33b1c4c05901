import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tightenHome } from './private-home';

const dirs: string[] = [];
const immutable: string[] = [];
afterEach(() => {
  for (const file of immutable.splice(0)) execFileSync('chattr', ['-i', file]);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const modeOf = (path: string): string => `0${(lstatSync(path).mode & 0o7777).toString(8)}`;

describe('tightenHome', () => {
  it('keeps an executable’s owner bits, follows no link, leaves models/ alone, walks no cache', () => {
    const base = mkdtempSync(join(tmpdir(), 'rbees-tighten-'));
    dirs.push(base);
    const home = join(base, 'home');
    const outside = join(base, 'outside.txt');
    writeFileSync(outside, 'not rbees’\n', { mode: 0o644 });
    mkdirSync(join(home, 'bin'), { recursive: true, mode: 0o755 });
    mkdirSync(join(home, 'cache', 'npm'), { recursive: true, mode: 0o755 });
    mkdirSync(join(home, 'models'), { mode: 0o755 });
    writeFileSync(join(home, 'bin', 'tool'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(home, 'models', 'm.gguf'), 'GGUF', { mode: 0o644 });
    symlinkSync(outside, join(home, 'link'));
    chmodSync(home, 0o755);
    chmodSync(join(home, 'bin'), 0o755);
    chmodSync(join(home, 'cache'), 0o755);

    // readdir's order is the filesystem's: compare in path order.
    const changed = tightenHome(home).sort((a, b) => (a.path < b.path ? -1 : 1));

    expect(changed).toEqual([
      { path: '.', from: '0755', to: '0700' },
      { path: 'bin', from: '0755', to: '0700' },
      { path: 'bin/tool', from: '0755', to: '0700' },
      { path: 'cache', from: '0755', to: '0700' },
    ]);
    expect(modeOf(join(home, 'cache', 'npm'))).toBe('0755');
    expect(modeOf(outside)).toBe('0644');
    expect(modeOf(join(home, 'models'))).toBe('0755');
    expect(modeOf(join(home, 'models', 'm.gguf'))).toBe('0644');
    expect(tightenHome(home)).toEqual([]);
  });

  // chattr +i makes chmod fail even for root, as a file another user owns does for anyone else;
  // it needs root and a filesystem that has the flag (ext4 here; not tmpfs).
  it('reports a file it cannot change and goes on with the rest', ({ skip }) => {
    const home = mkdtempSync(join(tmpdir(), 'rbees-tighten-'));
    dirs.push(home);
    writeFileSync(join(home, 'stuck.log'), 'x', { mode: 0o644 });
    writeFileSync(join(home, 'token'), 'x', { mode: 0o644 });
    try {
      execFileSync('chattr', ['+i', join(home, 'stuck.log')], { stdio: 'ignore' });
    } catch {
      skip('chattr +i is not possible here (not root, or a filesystem without the flag)');
    }
    immutable.push(join(home, 'stuck.log'));

    const changed = tightenHome(home);

    expect(changed).toEqual(
      expect.arrayContaining([
        { path: 'stuck.log', from: '0644', to: '0644', error: 'EPERM' },
        { path: 'token', from: '0644', to: '0600' },
      ]),
    );
    expect(modeOf(join(home, 'token'))).toBe('0600');
  });
});
