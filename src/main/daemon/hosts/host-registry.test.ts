import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RbeesError } from '../../../shared/errors';
import { Store } from '../store/store';
import { HostRegistry } from './host-registry';

let home: string;
const stores: Store[] = [];

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'rbees-registry-'));
});

afterEach(async () => {
  for (const store of stores.splice(0)) store.close();
  await rm(home, { recursive: true, force: true });
});

/** A registry as a daemon (re)start builds it: a fresh connection to the same database. */
function loaded(): HostRegistry {
  const store = Store.open(home);
  stores.push(store);
  const registry = new HostRegistry({ home, hosts: store.hosts, bundleDir: '/nowhere' });
  registry.load();
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
  it('keeps hosts across restarts, in the order they were added', async () => {
    const first = loaded();
    await first.add({ name: 'a', spec: 'alice@a.lan:2222', identity_file: '/k/id' });
    await first.add({ name: 'b', spec: 'b-alias', agent_dir: '/opt/rbees' });
    await first.close();

    const second = loaded();
    expect(second.list()).toEqual([
      { name: 'local', spec: 'local', agent_dir: '/nowhere', state: 'local' },
      { name: 'a', spec: 'alice@a.lan:2222', agent_dir: '~/.rbees/agent', state: 'idle' },
      { name: 'b', spec: 'b-alias', agent_dir: '/opt/rbees', state: 'idle' },
    ]);
    await second.remove('a');
    await second.close();
    expect(
      loaded()
        .list()
        .map((h) => h.name),
    ).toEqual(['local', 'b']);
  });

  it('refuses duplicates (local included), unknown names and removing local', async () => {
    const registry = loaded();
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
    const registry = loaded();
    await Promise.all(['a', 'b', 'c', 'd'].map((name) => registry.add({ name, spec: name })));
    await registry.close();
    expect(loaded().list()).toHaveLength(5);
  });
});
