import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentRoot, resolveWorkerProgram } from './install-layout';
import { REPO } from '../../../../scripts/testing/agent-process';

let install: string;

beforeAll(async () => {
  // The layout of a built install: out/main/{rbees-pool,workerd}.js and bin/rbees-pool.js.
  install = await mkdtemp(join(tmpdir(), 'rbees-install-'));
  await mkdir(join(install, 'out/main'), { recursive: true });
  await mkdir(join(install, 'bin'));
  for (const file of ['out/main/rbees-pool.js', 'out/main/workerd.js', 'bin/rbees-pool.js']) {
    await writeFile(join(install, file), '');
  }
});

afterAll(async () => {
  await rm(install, { recursive: true, force: true });
});

describe('install layout', () => {
  it('finds the bundled worker next to the bundled agent, or from bin/', () => {
    const expected = {
      command: process.execPath,
      args: [join(install, 'out/main/workerd.js')],
      cwd: install,
    };
    expect(resolveWorkerProgram(join(install, 'out/main/rbees-pool.js'))).toEqual(expected);
    expect(resolveWorkerProgram(join(install, 'bin/rbees-pool.js'))).toEqual(expected);
    expect(agentRoot(join(install, 'out/main/rbees-pool.js'), {})).toBe(install);
    expect(agentRoot(join(install, 'bin/rbees-pool.js'), {})).toBe(install);
  });

  it('runs the worker from source through tsx when the agent runs from source', () => {
    const main = join(REPO, 'src/pool/agent/main.ts');
    expect(resolveWorkerProgram(main)).toEqual({
      command: process.execPath,
      args: ['--import', 'tsx', join(REPO, 'src/pool/workerd/main.ts')],
      cwd: REPO.replace(/\/$/, ''),
    });
    expect(agentRoot(main, {})).toBe(REPO.replace(/\/$/, ''));
    expect(agentRoot(main, { RBEES_AGENT_DIR: '/opt/rbees' })).toBe('/opt/rbees');
  });

  it('says how to fix a missing worker bundle', () => {
    expect(() => resolveWorkerProgram(join(install, 'out/main/deeper/x/rbees-pool.js'))).toThrow(
      /rbees-workerd not found next to the agent .* `rbees-ctl pool install`/,
    );
  });
});
