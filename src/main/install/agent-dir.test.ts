import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentManifest, MARKER_LINE, notOwned, ownProbe, refusal, refusedBy } from './agent-dir';
import { parseProbe, probeCommand } from './remote';

const root = mkdtempSync(join(tmpdir(), 'rbees-agent-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Makes `name` under root: a dir with these files, a file (string), or a symlink ({ to }). */
function make(name: string, what: Record<string, string> | string | { to: string }): string {
  const path = join(root, name);
  if (typeof what === 'string') writeFileSync(path, what);
  else if ('to' in what && typeof what.to === 'string') symlinkSync(what.to, path);
  else {
    mkdirSync(path);
    for (const [file, text] of Object.entries(what)) writeFileSync(join(path, file), text);
  }
  return path;
}

/** Whether the installer's own check, run by sh, takes `path` as its to replace. */
function owned(path: string): boolean {
  const out = execFileSync('sh', ['-c', `live='${path}'; ${ownProbe(['live'])}`], {
    encoding: 'utf8',
  });
  return notOwned(out, ['live']).length === 0;
}

describe('which directories the installer may replace', () => {
  it('writes the mark into every agent it installs', () => {
    expect(agentManifest('1.0.0+abc').split('\n')).toContain(MARKER_LINE);
  });

  it("takes a missing, an empty or an agent's dir, and nothing else", () => {
    expect(owned(join(root, 'missing'))).toBe(true);
    expect(owned(make('empty', {}))).toBe(true);
    expect(owned(make('agent', { 'package.json': agentManifest('1'), VERSION: '1\n' }))).toBe(true);
    expect(owned(make('thesis', { 'chapter1.tex': 'mine' }))).toBe(false);
    // A VERSION file or a package.json of some other project is no mark.
    expect(owned(make('project', { VERSION: '1.0.0\n' }))).toBe(false);
    const other = agentManifest('1').replace('rbees-agent', 'my-agent');
    expect(owned(make('npm-project', { 'package.json': other }))).toBe(false);
    expect(owned(make('notes.txt', 'a file, not a dir'))).toBe(false);
    // A symlink is judged by what it points to; a dangling one removes nothing but itself.
    expect(owned(make('link-to-thesis', { to: join(root, 'thesis') }))).toBe(false);
    expect(owned(make('link-to-agent', { to: join(root, 'agent') }))).toBe(true);
    expect(owned(make('dangling', { to: join(root, 'nowhere') }))).toBe(true);
  });

  it('probes the agent dir and both siblings', () => {
    const dir = make('work', { 'package.json': agentManifest('1') });
    make('work.new', { 'draft.md': 'mine' });
    const out = execFileSync('sh', ['-c', probeCommand(dir)], { encoding: 'utf8' });
    expect(parseProbe(out).notOwned).toEqual(['new']);
  });

  it('names the directory and the way out when it refuses', () => {
    expect(refusedBy(86, 'refused=old\n')).toBe('old');
    expect(refusedBy(1, 'refused=old\n')).toBeNull();
    expect(refusal('lab', '~/thesis', 'new')).toMatchObject({
      code: 'BAD_REQUEST',
      message:
        "lab: ~/thesis.new holds files that are not rbees' agent, and the install would replace " +
        'it — nothing was sent or removed. Choose another agent dir, or empty or remove ' +
        '~/thesis.new on lab yourself if nothing in it is needed',
      details: { host: 'lab', agent_dir: '~/thesis', path: '~/thesis.new' },
    });
  });
});
