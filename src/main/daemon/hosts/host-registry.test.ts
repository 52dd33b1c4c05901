import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RbeesError } from '../../../shared/errors';
import { HostRegistry } from './host-registry';

let home: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'rbees-registry-'));
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function loaded(): Promise<HostRegistry> {
  const registry = new HostRegistry({ home, bundleDir: '/nowhere' });
  await registry.load();
  return registry;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof RbeesError) return err.code;
    throw err;
  }
  return 'resolved';
}

describe('HostRegistry', () => {
  it('keeps hosts across restarts in hosts.json, written without leftovers', async () => {
    const first = await loaded();
    await first.add({ name: 'a', spec: 'alice@a.lan:2222', identity_file: '/k/id' });
    await first.add({ name: 'b', spec: 'b-alias', agent_dir: '/opt/rbees' });
    await first.close();

    const second = await loaded();
    expect(second.list()).toEqual([
      { name: 'local', spec: 'local', agent_dir: '/nowhere', state: 'local' },
      { name: 'a', spec: 'alice@a.lan:2222', agent_dir: '~/.rbees/agent', state: 'idle' },
      { name: 'b', spec: 'b-alias', agent_dir: '/opt/rbees', state: 'idle' },
    ]);
    await second.remove('a');
    await second.close();

    const saved = JSON.parse(await readFile(join(home, 'hosts.json'), 'utf8')) as unknown;
    expect(saved).toEqual({
      version: 1,
      hosts: [{ name: 'b', spec: 'b-alias', agent_dir: '/opt/rbees' }],
    });
    expect(await readdir(home)).toEqual(['hosts.json']);
    expect((await loaded()).list().map((h) => h.name)).toEqual(['local', 'b']);
  });

  it('refuses duplicates (local included), unknown names and removing local', async () => {
    const registry = await loaded();
    await registry.add({ name: 'a', spec: 'a' });
    expect(await codeOf(registry.add({ name: 'a', spec: 'other' }))).toBe('BAD_REQUEST');
    expect(await codeOf(registry.add({ name: 'local', spec: 'x' }))).toBe('BAD_REQUEST');
    expect(await codeOf(registry.remove('local'))).toBe('BAD_REQUEST');
    expect(await codeOf(registry.remove('zzz'))).toBe('NOT_FOUND');
    expect(await codeOf(registry.connect('zzz'))).toBe('NOT_FOUND');
    expect(await codeOf(registry.status('zzz'))).toBe('NOT_FOUND');
    await registry.close();
  });

  it('saves parallel additions one after the other, losing none', async () => {
    const registry = await loaded();
    await Promise.all(['a', 'b', 'c', 'd'].map((name) => registry.add({ name, spec: name })));
    await registry.close();
    expect((await loaded()).list()).toHaveLength(5);
  });

  it('names the file when hosts.json is damaged', async () => {
    await writeFile(join(home, 'hosts.json'), '{"hosts": [');
    const registry = new HostRegistry({ home, bundleDir: '/nowhere' });
    await expect(registry.load()).rejects.toThrow(join(home, 'hosts.json'));
  });
});
