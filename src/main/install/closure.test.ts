/** The node_modules closure on a small fake tree: platform filtering, nesting, fetch list. */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependencyClosure } from './closure';

let root: string;

async function pkg(rel: string, json: Record<string, unknown>): Promise<void> {
  await mkdir(join(root, rel), { recursive: true });
  await writeFile(join(root, rel, 'package.json'), JSON.stringify({ version: '1.0.0', ...json }));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'rbees-closure-'));
  await pkg('.', { name: 'app' });
  await pkg('node_modules/node-llama-cpp', {
    name: 'node-llama-cpp',
    dependencies: { chalk: '^5' },
    optionalDependencies: {
      '@node-llama-cpp/linux-x64': '3.21.1',
      '@node-llama-cpp/linux-x64-cuda': '3.21.1',
      '@node-llama-cpp/linux-arm64': '3.21.1',
      '@node-llama-cpp/mac-arm64-metal': '3.21.1',
    },
  });
  await pkg('node_modules/@node-llama-cpp/linux-x64', {
    name: '@node-llama-cpp/linux-x64',
    os: ['linux'],
    cpu: ['x64'],
  });
  await pkg('node_modules/@node-llama-cpp/linux-x64-cuda', {
    name: '@node-llama-cpp/linux-x64-cuda',
    os: ['linux'],
    cpu: ['x64'],
  });
  // As the real package does: it claims x64 too, yet is of no use on an x64 host.
  await pkg('node_modules/@node-llama-cpp/linux-arm64', {
    name: '@node-llama-cpp/linux-arm64',
    os: ['linux'],
    cpu: ['arm64', 'x64'],
  });
  await pkg('node_modules/chalk', { name: 'chalk', optionalDependencies: { fsevents: '2' } });
  await pkg('node_modules/fastify', {
    name: 'fastify',
    dependencies: { semver: '^7' },
    optionalDependencies: { fsevents: '2' },
  });
  // fastify needs its own semver 7; the top-level one is another version.
  await pkg('node_modules/fastify/node_modules/semver', { name: 'semver', version: '7.0.0' });
  await pkg('node_modules/semver', { name: 'semver', version: '5.0.0' });
  await pkg('node_modules/fastify/node_modules/fsevents', { name: 'fsevents', os: ['darwin'] });
  await pkg('node_modules/zod', { name: 'zod', optionalDependencies: { fsevents: '2' } });
  await pkg('node_modules/devonly', { name: 'devonly' });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('dependencyClosure', () => {
  it("ships the linux-x64 binaries and skips other platforms' packages", async () => {
    const c = await dependencyClosure(root, ['node-llama-cpp', 'fastify'], 'linux-x64');
    expect(c.dirs).toEqual([
      'node_modules/@node-llama-cpp/linux-x64',
      'node_modules/@node-llama-cpp/linux-x64-cuda',
      'node_modules/chalk',
      'node_modules/fastify',
      'node_modules/node-llama-cpp',
    ]);
    expect(c.versions).toContain('semver@7.0.0');
    expect(c.versions).not.toContain('semver@5.0.0');
    expect(c.skipped).toEqual([
      '@node-llama-cpp/linux-arm64',
      '@node-llama-cpp/mac-arm64-metal',
      'fsevents',
    ]);
    expect(c.fetch).toEqual([]);
    expect(c.exclude).toEqual(['node_modules/fastify/node_modules/fsevents']);
  });

  it("includes the target's binaries: local ones for linux-arm64, fetched ones for a Mac", async () => {
    const arm = await dependencyClosure(root, ['node-llama-cpp'], 'linux-arm64');
    expect(arm.dirs.filter((d) => d.includes('@node-llama-cpp'))).toEqual([
      'node_modules/@node-llama-cpp/linux-arm64',
    ]);
    const mac = await dependencyClosure(root, ['node-llama-cpp'], 'mac-arm64');
    expect(mac.dirs).toEqual(['node_modules/chalk', 'node_modules/node-llama-cpp']);
    expect(mac.fetch).toEqual([{ name: '@node-llama-cpp/mac-arm64-metal', version: '3.21.1' }]);
  });

  it('keeps a nested package for its platform and excludes it for others', async () => {
    const mac = await dependencyClosure(root, ['fastify', 'zod'], 'mac-arm64');
    expect(mac.versions).toContain('fsevents@1.0.0');
    expect(mac.exclude).toEqual([]);
    const linux = await dependencyClosure(root, ['fastify'], 'linux-x64');
    expect(linux.versions).not.toContain('fsevents@1.0.0');
    expect(linux.exclude).toEqual(['node_modules/fastify/node_modules/fsevents']);
  });

  it('looks where Node looks, never in node_modules/node_modules', async () => {
    // A link there (an `ln -s` into an already linked node_modules) must change nothing.
    const tree = await mkdtemp(join(tmpdir(), 'rbees-closure-link-'));
    try {
      const at = async (rel: string, json: Record<string, unknown>) => {
        await mkdir(join(tree, rel), { recursive: true });
        await writeFile(join(tree, rel, 'package.json'), JSON.stringify(json));
      };
      await at('node_modules/fastify', { name: 'fastify', dependencies: { avvio: '^9' } });
      await at('node_modules/avvio', { name: 'avvio', version: '9.0.0' });
      await symlink(join(tree, 'node_modules'), join(tree, 'node_modules', 'node_modules'));
      const c = await dependencyClosure(tree, ['fastify'], 'linux-x64');
      expect(c.dirs).toEqual(['node_modules/avvio', 'node_modules/fastify']);
    } finally {
      await rm(tree, { recursive: true, force: true });
    }
  });

  it('names the fix when a required package is missing', async () => {
    await expect(dependencyClosure(root, ['missing-pkg'], 'linux-x64')).rejects.toThrow(
      /missing-pkg is not in .*node_modules — run `npm ci` there first/,
    );
  });
});
