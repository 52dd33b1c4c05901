/**
 * The spawn preflight end to end, through the real CLI: a model on paper the size of a big one
 * (its real header, the data a sparse hole), on a fake nvidia-smi that prints a real H200's
 * output. What `models list` and `status` report, judged by the rule the UI uses, is what the
 * spawn then does.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSparseModel } from '../../../../scripts/test-models';
import { fakeNvidiaSmi } from '../../../../scripts/testing/agent-fixtures';
import { pidsMentioning, runAgent, tempHome } from '../../../../scripts/testing/agent-process';
import { checksFor, defaultPoint, judge, vramPadding } from '../../../shared/model-fit';
import type { HostStatus, ModelDetails } from '../../../shared/pool-status';
import { signalGroup } from './process-info';

const MIB = 1024 ** 2;
/** ~115 GB in Q8_0: more than the busy H200 has free (98.8 GiB), less than the idle one. */
const BIG = { embd: 8192, layers: 126, heads: 64, headsKv: 8, ff: 28672, ctx: 4096, vocab: 32000 };

let home: Awaited<ReturnType<typeof tempHome>>;
let env: NodeJS.ProcessEnv;
const smi: Partial<Record<'idle' | 'busy', string>> = {};
let big: ModelDetails | undefined;

beforeAll(async () => {
  home = await tempHome();
  env = { RBEES_HOME: home.home };
  await writeSparseModel(join(home.models, 'big.gguf'), { ...BIG, quant: 'q8_0' });
  smi.idle = await fakeNvidiaSmi('idle');
  smi.busy = await fakeNvidiaSmi('busy');
  const list = await runAgent(['models', 'list', '--json'], env);
  big = (list.last.models as ModelDetails[]).find((m) => m.id === 'big');
});

afterAll(async () => {
  for (const pid of await pidsMentioning(home.home)) signalGroup(pid, 'SIGKILL');
  for (const dir of Object.values(smi)) await rm(dir, { recursive: true, force: true });
  await home.cleanup();
});

const onGpu = (state: 'idle' | 'busy') => ({
  ...env,
  PATH: `${smi[state]}:${process.env.PATH ?? ''}`,
});

/** What the Models view shows for GPU 0: the agent's reports, judged by the shared rule. */
async function shownOnGpu0(state: 'idle' | 'busy'): Promise<boolean | null> {
  const status = (await runAgent(['status', '--json'], onGpu(state))).last as unknown as HostStatus;
  const point = big?.fit && defaultPoint(big.fit);
  if (!point || !status.gpus[0]) throw new Error('no estimate or no GPU 0 reported');
  return judge(point, checksFor({ on: 'gpu', gpu: status.gpus[0] }, status)).fits;
}

describe('worker spawn preflight', () => {
  it('refuses a model bigger than the free VRAM of the chosen GPU, with the numbers', async () => {
    const need = big?.fit && defaultPoint(big.fit);
    expect(need?.ctx).toBe(2048);
    const run = await runAgent(
      ['worker', 'spawn', 'cuda', '--model', 'big', '--gpu', '0', '--json'],
      onGpu('busy'),
    );
    expect(run.code).toBe(1);
    expect(run.last).toMatchObject({
      event: 'error',
      code: 'INSUFFICIENT_VRAM',
      details: {
        memory: 'vram',
        gpu: 0,
        ctx: 2048,
        required_bytes: need?.gpu_vram_bytes,
        available_bytes: 101222 * MIB - vramPadding(143771 * MIB),
      },
    });
    expect(run.stderr).toMatch(
      /big needs about 108\.3 GiB at context 2048 × 1 slot but free VRAM on GPU 0 \(NVIDIA H200\) is 97\.2 GiB/,
    );
    // Refused before anything started: no worker, so no worker log either.
    expect(await readdir(join(home.home, 'logs')).catch(() => [])).toEqual([]);
    expect(await shownOnGpu0('busy')).toBe(false);
  });

  it('lets through what the Models view shows as fitting (the idle H200)', async () => {
    expect(await shownOnGpu0('idle')).toBe(true);
    const run = await runAgent(
      [
        'worker',
        'spawn',
        'cuda',
        '--model',
        'big',
        '--gpu',
        '0',
        '--ctx',
        '4096',
        '--timeout',
        '1',
        '--json',
      ],
      onGpu('idle'),
    );
    // Past the preflight the worker is started (its log is written); it cannot be ready within
    // a second (nor load at all here, for want of CUDA): not the preflight's refusal.
    expect(run.last.code).not.toBe('INSUFFICIENT_VRAM');
    const logs = await readdir(join(home.home, 'logs'));
    expect(logs.some((file) => file.startsWith('worker-big-'))).toBe(true);
  });
});
