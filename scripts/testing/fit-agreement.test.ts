/**
 * The UI and the agent agree on what fits. For models × GPUs × contexts: the Models view's verdict
 * (src/renderer/models/fit.ts, on what the agent's `models list` reports, against the host's
 * status) says a model fits a GPU at a context exactly when the agent's spawn preflight
 * (src/pool/agent/workers/preflight.ts, on the estimate it makes at spawn) accepts that spawn.
 * Here because it spans the renderer and the pool, which may not import each other.
 */
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gpu, HostStatus, ModelDetails } from '../../src/shared/pool-status';
import { estimateFit } from '../../src/renderer/models/fit';
import { parseGpuQuery } from '../../src/pool/agent/gpus/nvidia-smi';
import { estimateFile } from '../../src/pool/agent/models/fit-estimate';
import { withGgufDetails } from '../../src/pool/agent/models/gguf-info';
import { listModels } from '../../src/pool/agent/models/model-store';
import { checkFits } from '../../src/pool/agent/workers/preflight';
import { ensureTestModels, writeSparseModel } from '../test-models';
import { fixture } from './agent-fixtures';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** Llama shapes whose sizes straddle the GPUs below (Q8_0: ~1.06 bytes a parameter). */
const SHAPES = {
  '3b-16k': { embd: 3200, layers: 26, heads: 32, headsKv: 32, ff: 8640, ctx: 16384 },
  '7b': { embd: 4096, layers: 32, heads: 32, headsKv: 32, ff: 11008, ctx: 4096 },
  '13b-16k': { embd: 5120, layers: 40, heads: 40, headsKv: 40, ff: 13824, ctx: 16384 },
  '70b-128k': { embd: 8192, layers: 80, heads: 64, headsKv: 8, ff: 28672, ctx: 131072 },
  '90b': { embd: 8192, layers: 104, heads: 64, headsKv: 8, ff: 28672, ctx: 4096 },
  '110b': { embd: 8192, layers: 126, heads: 64, headsKv: 8, ff: 28672, ctx: 4096 },
};

function card(index: number, name: string, totalMib: number, freeMib: number | null): Gpu {
  const base = h200Idle[0]!;
  return {
    ...base,
    index,
    name,
    memory_total_bytes: totalMib * MIB,
    memory_free_bytes: freeMib === null ? null : freeMib * MIB,
    memory_used_bytes: freeMib === null ? 2000 * MIB : (totalMib - freeMib) * MIB,
  };
}

let dir: string;
let models: ModelDetails[];
let h200Idle: Gpu[];
let hosts: Record<string, Pick<HostStatus, 'gpus' | 'memory' | 'platform'>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rbees-fit-agree-'));
  const generated = await ensureTestModels();
  await symlink(generated.tiny, join(dir, 'tiny.gguf'));
  await symlink(generated.scriptSlow, join(dir, 'script-slow.gguf'));
  for (const [name, shape] of Object.entries(SHAPES)) {
    await writeSparseModel(join(dir, `${name}.gguf`), { ...shape, vocab: 32000, quant: 'q8_0' });
  }
  models = await withGgufDetails(await listModels(dir));
  h200Idle = parseGpuQuery(await fixture('h200-idle-query.csv'));
  const h200Busy = parseGpuQuery(await fixture('h200-busy-query.csv'));
  const memory = { total_bytes: 64 * GIB, free_bytes: 48 * GIB };
  hosts = {
    'H200 idle and busy': {
      gpus: [...h200Idle, { ...h200Busy[0]!, index: 1 }],
      memory,
      platform: 'linux',
    },
    'a 24 GB and an 8 GB card, one not reporting free memory': {
      gpus: [card(0, 'RTX 4090', 24564, 23010), card(1, 'RTX 3070', 8192, null)],
      memory,
      platform: 'linux',
    },
    'no GPU, 24 GiB of RAM': {
      gpus: [],
      memory: { total_bytes: 24 * GIB, free_bytes: 21 * GIB },
      platform: 'linux',
    },
  };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Whether the agent would start the worker: checkFits throws only a refusal. */
function preflightAccepts(
  model: ModelDetails,
  host: (typeof hosts)[string],
  gpu: Gpu | undefined,
  need: Awaited<ReturnType<typeof estimateFile>>,
): boolean {
  try {
    checkFits({
      model: model.id,
      need,
      slots: 1,
      backend: gpu === undefined ? 'cpu' : 'cuda',
      gpu: gpu?.index,
      gpus: host.gpus,
      ram: { total: host.memory.total_bytes, free: host.memory.free_bytes },
      platform: host.platform,
    });
    return true;
  } catch {
    return false;
  }
}

describe("the UI's fit and the spawn preflight", () => {
  it('agree on every model, GPU and context the UI shows', async () => {
    expect(models.map((m) => m.id).sort()).toEqual(
      ['110b', '13b-16k', '3b-16k', '70b-128k', '7b', '90b', 'script-slow', 'tiny'].sort(),
    );
    const outcomes = { fits: 0, refused: 0, someContexts: 0 };
    for (const model of models) {
      expect(model.fit, model.id).toBeDefined();
      const points = model.fit!.points;
      // The spawn makes its own estimate, from the file, at the context it is given.
      const needs = new Map<number | undefined, Awaited<ReturnType<typeof estimateFile>>>();
      for (const ctx of [undefined, ...points.map((p) => p.ctx)]) {
        needs.set(ctx, await estimateFile(model.path, ctx, 1));
      }
      for (const [hostName, host] of Object.entries(hosts)) {
        const verdicts = estimateFit(model, host);
        const places = host.gpus.length === 0 ? [undefined] : host.gpus;
        expect(verdicts).toHaveLength(places.length);
        places.forEach((gpu, i) => {
          const shown = verdicts[i]!;
          const where = `${model.id} on ${shown.label} of "${hostName}"`;
          // The chip: the default context, as a spawn without --ctx is checked.
          const accepted = preflightAccepts(model, host, gpu, needs.get(undefined));
          expect(shown.fits === true, `${where}, default context`).toBe(accepted);
          outcomes[accepted ? 'fits' : 'refused'] += 1;
          if (shown.maxCtx !== undefined && shown.maxCtx < points.at(-1)!.ctx) {
            outcomes.someContexts += 1;
          }
          // "Up to N": every listed context up to it is accepted, every one above refused.
          for (const { ctx } of points) {
            const fitsShown = shown.maxCtx !== undefined && ctx <= shown.maxCtx;
            expect(fitsShown, `${where}, --ctx ${ctx}`).toBe(
              preflightAccepts(model, host, gpu, needs.get(ctx)),
            );
          }
        });
      }
    }
    // The matrix has both answers, each more than once, and GPUs that take only the smaller
    // contexts of a model (70b-128k: 64K on the busy H200; 13b-16k: 8K on the 24 GB card).
    expect(outcomes.fits).toBeGreaterThan(5);
    expect(outcomes.refused).toBeGreaterThan(5);
    expect(outcomes.someContexts).toBeGreaterThanOrEqual(3);
  });
});
