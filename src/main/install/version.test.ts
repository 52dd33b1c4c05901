import { cp, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseVersionProbe } from './remote';
import { agentVersionState, planPayload, ShippedVersions } from './version';

const REPO = join(import.meta.dirname, '../../..');
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('agent version', () => {
  it('compares installed with shipped', () => {
    expect(agentVersionState(null, false, '1+a')).toBe('missing');
    expect(agentVersionState(null, true, '1+a')).toBe('unknown');
    expect(agentVersionState('1+a', true, null)).toBe('unknown');
    expect(agentVersionState('1+a', true, '1+a')).toBe('current');
    expect(agentVersionState('1+a', true, '1+b')).toBe('outdated');
  });

  it('reads the host probe', () => {
    expect(parseVersionProbe('uname=Linux x86_64\ninstalled=0.1.0+abc\nagent=yes')).toEqual({
      uname: 'Linux x86_64',
      installed: '0.1.0+abc',
      present: true,
    });
    expect(parseVersionProbe('uname=Linux x86_64\ninstalled=\nagent=no')).toEqual({
      uname: 'Linux x86_64',
      installed: null,
      present: false,
    });
  });

  // A copy of the built bundle next to the checkout's node_modules: editing one file of the
  // agent must change the version, and the cache must keep the first answer until told.
  it('hashes the bundle, per platform, and caches it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'rbees-version-'));
    dirs.push(root);
    await cp(join(REPO, 'out/main'), join(root, 'out/main'), { recursive: true });
    await cp(join(REPO, 'package.json'), join(root, 'package.json'));
    await symlink(join(REPO, 'node_modules'), join(root, 'node_modules'));
    const x64 = await planPayload(root, 'linux-x64');
    expect(x64.version).toMatch(/^\d+\.\d+\.\d+[^+]*\+[0-9a-f]{12}$/);
    expect((await planPayload(root, 'linux-arm64')).version).not.toBe(x64.version);

    const shipped = new ShippedVersions(root);
    expect(await shipped.get('linux-x64')).toBe(x64.version);
    // Computed once: a file changed afterwards does not change what is reported until set().
    await writeFile(join(root, 'out/main/workerd.js'), '// changed\n', { flag: 'a' });
    expect(await shipped.get('linux-x64')).toBe(x64.version);
    const changed = (await planPayload(root, 'linux-x64')).version;
    expect(changed).not.toBe(x64.version);
    shipped.set('linux-x64', changed);
    expect(await shipped.get('linux-x64')).toBe(changed);
  });
});
