import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKER_NICE, parseWorkerNice } from './priority';

describe('parseWorkerNice', () => {
  it('defaults to 10 and takes 0-19', () => {
    expect(parseWorkerNice(undefined)).toBe(DEFAULT_WORKER_NICE);
    expect(parseWorkerNice('')).toBe(10);
    expect(parseWorkerNice('0')).toBe(0);
    expect(parseWorkerNice('19')).toBe(19);
  });

  it('refuses what nice does not take, naming the variable', () => {
    for (const raw of ['-5', '20', '1.5', 'low']) {
      expect(() => parseWorkerNice(raw)).toThrow(`RBEES_WORKER_NICE=${raw}`);
    }
  }, 20_000);
});

// In a child of its own session (as the agent spawns workers): lowering this test process, or
// the autogroup of the session that runs the tests, would slow everything else down.
const CHILD = `
import { lowerPriority } from './src/pool/workerd/priority.ts';
import { readdirSync, readFileSync } from 'node:fs';
const nices = () => readdirSync('/proc/self/task').map(
  (tid) => Number(readFileSync('/proc/self/task/' + tid + '/stat', 'utf8').split(') ')[1].split(' ')[16]));
const before = nices();
const did = lowerPriority(7);
const { Worker } = await import('node:worker_threads');
// A thread started afterwards, as llama.cpp's are.
const worker = new Worker('setTimeout(() => {}, 200)', { eval: true });
await new Promise((resolve) => worker.once('online', resolve));
console.log(JSON.stringify({ did, before, after: nices(), group: readFileSync('/proc/self/autogroup', 'utf8') }));
await worker.terminate();
`;

interface ChildReport {
  did: string;
  before: number[];
  after: number[];
  group: string;
}

/** Runs CHILD in a new session of its own, as the agent spawns workers. */
async function runChild(): Promise<ChildReport> {
  const args = ['--import', 'tsx', '--input-type=module', '-e', CHILD];
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise((resolve) => child.once('close', resolve));
  expect(stderr).toBe('');
  return JSON.parse(stdout) as ChildReport;
}

describe.runIf(process.platform === 'linux')('lowerPriority', () => {
  it('lowers every thread, later ones too, not its session', async () => {
    const out = await runChild();
    expect(out.before.every((n) => n === 0)).toBe(true);
    expect(out.after.length).toBeGreaterThan(out.before.length);
    expect(out.after.every((n) => n === 7)).toBe(true);
    // The session's autogroup is left alone: see lowerPriority.
    if (existsSync('/proc/self/autogroup')) expect(out.group).toMatch(/ nice 0\n$/);
  }, 20_000);
});
