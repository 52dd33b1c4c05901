/**
 * The payload from this checkout's real out/main and node_modules: a Mac payload takes
 * node-llama-cpp's Metal binaries from the binary cache (which `npm pack` fills on a real install;
 * tests never reach the registry, so the cache is seeded with a stand-in package of the same
 * name and layout), and the tar carries exactly the launcher, manifest, bundle and packages.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO } from '../../../scripts/testing/cli-process';
import { buildPayload, LAUNCHER, payloadStream } from './payload';
import type { Payload } from './payload';

let cache: string;

beforeAll(async () => {
  cache = await mkdtemp(join(tmpdir(), 'rbees-npm-cache-'));
  const pkg = join(cache, 'node_modules', '@node-llama-cpp', 'mac-arm64-metal');
  await mkdir(join(pkg, 'bins', 'mac-arm64-metal'), { recursive: true });
  await writeFile(
    join(pkg, 'package.json'),
    JSON.stringify({
      name: '@node-llama-cpp/mac-arm64-metal',
      version: '3.21.1',
      os: ['darwin'],
      cpu: ['arm64'],
    }),
  );
  await writeFile(join(pkg, 'bins', 'mac-arm64-metal', 'llama-addon.node'), 'stand-in binary');
});

afterAll(async () => {
  await rm(cache, { recursive: true, force: true });
});

/** `tar -tvzf -` of the payload stream: `mode path` per member. */
async function listing(payload: Payload): Promise<Map<string, string>> {
  const { stream, done } = payloadStream(payload);
  const tar = spawn('tar', ['-tvzf', '-'], { stdio: ['pipe', 'pipe', 'inherit'] });
  stream.pipe(tar.stdin);
  let out = '';
  tar.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => tar.once('close', resolve));
  await done;
  const members = new Map<string, string>();
  for (const line of out.split('\n').filter(Boolean)) {
    const fields = line.split(/\s+/);
    members.set(fields.slice(5).join(' ').replace(/\/$/, ''), fields[0] ?? '');
  }
  return members;
}

it('builds a mac-arm64 payload with the Metal binaries from the binary cache', async () => {
  const payload = await buildPayload({ root: REPO, platform: 'mac-arm64', cache });
  try {
    expect(payload.fetched).toEqual(['@node-llama-cpp/mac-arm64-metal@3.21.1']);
    const members = await listing(payload);
    expect(members.get('rbees-pool')).toBe('-rwxr-xr-x');
    for (const path of [
      'rbees-pool.js',
      'workerd.js',
      'package.json',
      'VERSION',
      'node_modules/node-llama-cpp/package.json',
      'node_modules/@node-llama-cpp/mac-arm64-metal/bins/mac-arm64-metal/llama-addon.node',
      'node_modules/zod/package.json',
      'node_modules/fastify/package.json',
    ]) {
      expect(members.has(path), path).toBe(true);
    }
    const linuxBinaries = [...members.keys()].filter((m) =>
      m.startsWith('node_modules/@node-llama-cpp/linux'),
    );
    expect(linuxBinaries).toEqual([]);
    expect(LAUNCHER).not.toContain(REPO);
    process.stdout.write(
      `mac-arm64 payload: ${payload.version}, ${payload.packages.length} packages, ${payload.unpackedBytes} bytes unpacked\n`,
    );
  } finally {
    await payload.dispose();
  }
}, 120_000);

it("takes a linux-x64 host's binaries from local node_modules, and no other platform's", async () => {
  const payload = await buildPayload({ root: REPO, platform: 'linux-x64', cache });
  try {
    expect(payload.fetched).toEqual([]);
    const binaries = payload.sources
      .flatMap((s) => s.paths)
      .filter((p) => p.includes('@node-llama-cpp/'));
    expect(binaries).toContain('node_modules/@node-llama-cpp/linux-x64');
    expect(binaries.every((p) => /@node-llama-cpp\/linux-x64(-|$)/.test(p))).toBe(true);
    expect(payload.skipped).toContain('@node-llama-cpp/linux-arm64');
    expect(payload.skipped).toContain('@node-llama-cpp/mac-arm64-metal');
  } finally {
    await payload.dispose();
  }
}, 60_000);
