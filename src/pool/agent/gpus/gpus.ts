import { freemem, platform, totalmem } from 'node:os';
import { probeApple } from './apple-gpu';
import { probeNvidia } from './nvidia-smi';
import { probeAmd } from './rocm-smi';
import type { Gpu, ProbeReport } from '../../../shared/pool-status';

/**
 * Every vendor probe at once (each has its own timeout). Only the vendors' read-only query tools
 * are used: no CUDA/Metal context is created and no GPU memory is allocated, so probing never
 * disturbs a running worker. No GPU at all is a valid answer: `gpus: []`.
 */
export async function probeGpus(): Promise<{ gpus: Gpu[]; probes: ProbeReport[] }> {
  const probes =
    platform() === 'darwin'
      ? [probeApple({ total: totalmem(), free: freemem() })]
      : [probeNvidia(), probeAmd()];
  const results = await Promise.all(probes);
  return { gpus: results.flatMap((r) => r.gpus), probes: results.map((r) => r.report) };
}
