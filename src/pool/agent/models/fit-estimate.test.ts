/**
 * node-llama-cpp's estimate as the agent takes it, on models of known shapes: sparse files (a real
 * header and tensor table, the data a hole) of real models' sizes, and the generated test models.
 * The reference numbers are llama.cpp's own arithmetic, by hand: an f16 KV cache holds
 * layers × 2 (K and V) × n_embd_kv × 2 bytes per token and slot.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels, writeSparseModel } from '../../../../scripts/test-models';
import { estimateAt, estimateFile, fitOf, insightsOf } from './fit-estimate';

const MIB = 1024 * 1024;
const LLAMA3_8B = {
  vocab: 128256,
  embd: 4096,
  layers: 32,
  heads: 32,
  headsKv: 8,
  ff: 14336,
  ctx: 8192,
  quant: 'q8_0',
} as const;
/** f16 K and V per token and slot: 32 layers × 2 × (8 heads × 128) × 2 bytes = 128 KiB. */
const LLAMA3_8B_KV_PER_TOKEN = 32 * 2 * 1024 * 2;

let dir: string;
let big: string;
let bigInsights: Awaited<ReturnType<typeof insightsOf>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rbees-fit-'));
  big = join(dir, 'llama3-8b.gguf');
  await writeSparseModel(big, LLAMA3_8B);
  bigInsights = await insightsFor(big);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const insightsFor = async (path: string) =>
  insightsOf(await readGgufFileInfo(path, { sourceType: 'filesystem', logWarnings: false }));

describe('fit estimate', () => {
  it('counts every weight, and the KV cache of each token and slot (a Llama-3-8B shape)', async () => {
    const insights = bigInsights;
    const file = (await stat(big)).size;
    const small = estimateAt(insights, 256, 1);
    // The weights are the file less its header (a few MB of vocabulary); they fit in both.
    expect(small.cpu_ram_bytes).toBeGreaterThanOrEqual(insights.modelSize);
    expect(insights.modelSize).toBeGreaterThan(file * 0.99);
    expect(small.gpu_vram_bytes + small.gpu_ram_bytes).toBeGreaterThanOrEqual(insights.modelSize);
    // 4K more tokens: at least their KV cache (512 MiB), plus what the compute graph grows by.
    const at4k = estimateAt(insights, 4096, 1);
    const at8k = estimateAt(insights, 8192, 1);
    const kv4k = 4096 * LLAMA3_8B_KV_PER_TOKEN;
    expect(kv4k).toBe(512 * MIB);
    expect(at8k.gpu_vram_bytes - at4k.gpu_vram_bytes).toBeGreaterThanOrEqual(kv4k);
    expect(at8k.cpu_ram_bytes - at4k.cpu_ram_bytes).toBeGreaterThanOrEqual(kv4k);
    // A second slot holds a second KV cache.
    const twoSlots = estimateAt(insights, 2048, 2);
    const oneSlot = estimateAt(insights, 2048, 1);
    expect(twoSlots.gpu_vram_bytes - oneSlot.gpu_vram_bytes).toBeGreaterThanOrEqual(
      2048 * LLAMA3_8B_KV_PER_TOKEN,
    );
  });

  it('reports powers of two from 256 to the trained context, the default 2048 among them', async () => {
    const fit = fitOf(bigInsights);
    expect(fit.slots).toBe(1);
    expect(fit.default_ctx).toBe(2048);
    expect(fit.points.map((p) => p.ctx)).toEqual([256, 512, 1024, 2048, 4096, 8192]);
    for (let i = 1; i < fit.points.length; i++) {
      const [before, after] = [fit.points[i - 1]!, fit.points[i]!];
      expect(after.gpu_vram_bytes).toBeGreaterThan(before.gpu_vram_bytes);
      expect(after.cpu_ram_bytes).toBeGreaterThan(before.cpu_ram_bytes);
    }
    for (const point of fit.points) {
      for (const bytes of [point.gpu_vram_bytes, point.gpu_ram_bytes, point.cpu_ram_bytes]) {
        expect(Number.isSafeInteger(bytes)).toBe(true);
      }
    }
  });

  it('stops at a trained context below 2048, and checks a spawn without --ctx there', async () => {
    const short = join(dir, 'short.gguf');
    await writeSparseModel(short, { ...LLAMA3_8B, vocab: 512, layers: 2, ctx: 1000 });
    const fit = fitOf(await insightsFor(short));
    expect(fit.points.map((p) => p.ctx)).toEqual([256, 512, 1000]);
    expect(fit.default_ctx).toBe(1000);
    expect(await estimateFile(short, undefined, 1)).toEqual(fit.points[2]);
  });

  it('gives the spawn the same numbers as the listing, and nothing for an unreadable file', async () => {
    const fit = fitOf(bigInsights);
    expect(await estimateFile(big, undefined, 1)).toEqual(fit.points[3]);
    expect(await estimateFile(big, 4096, 1)).toEqual(fit.points[4]);
    const notes = join(dir, 'notes.gguf');
    await writeFile(notes, 'not a model\n');
    expect(await estimateFile(notes, undefined, 1)).toBeUndefined();
    expect(await estimateFile(join(dir, 'missing.gguf'), 2048, 1)).toBeUndefined();
  });

  it('estimates the generated test models (tiny, 2.4 MB) from their headers too', async () => {
    const models = await ensureTestModels();
    const fit = fitOf(await insightsFor(models.tiny));
    expect(fit.points.map((p) => p.ctx)).toEqual([256, 512, 1024, 2048, 4096]);
    expect(fit.points[0]!.cpu_ram_bytes).toBeGreaterThanOrEqual(
      (await stat(models.tiny)).size * 0.98,
    );
  });
});
