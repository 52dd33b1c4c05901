import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bundleGraph, packageNameOf } from './bundle-graph';

let out: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'rbees-graph-'));
  await mkdir(join(out, 'chunks'));
  await writeFile(
    join(out, 'rbees-pool.js'),
    'import { a } from "./chunks/a.js";\nimport { join } from "node:path";\nconst m = () => import("./chunks/b.js");\n',
  );
  await writeFile(join(out, 'workerd.js'), 'import "./chunks/a.js";\nimport x from "fs";\n');
  await writeFile(
    join(out, 'chunks/a.js'),
    'import {\n  z\n} from "zod";\nimport y from "../rbees-pool.js";\n',
  );
  await writeFile(
    join(out, 'chunks/b.js'),
    'const l = await import("node-llama-cpp");\nimport s from "@fastify/static/x";\n',
  );
  await writeFile(join(out, 'chunks/unused.js'), 'import p from "pino";\n');
});

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

it('walks static and dynamic imports from the entries, ignoring builtins and unreached chunks', async () => {
  expect(await bundleGraph(out)).toEqual({
    files: ['chunks/a.js', 'chunks/b.js', 'rbees-pool.js', 'workerd.js'],
    packages: ['@fastify/static', 'node-llama-cpp', 'zod'],
  });
  expect(packageNameOf('@a/b/c')).toBe('@a/b');
  expect(packageNameOf('a/b')).toBe('a');
});
