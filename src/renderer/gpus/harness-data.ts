import {
  HISTORY_MS,
  SAMPLE_INTERVAL_MS,
  type HostSample,
  type HostView,
} from '../../shared/events';
import type { Gpu, WorkerEntry } from '../../shared/pool-status';

/**
 * Fixed hosts for the visual test harness (`#gpus-harness`, e2e/gpus-harness.spec.ts). The GPU
 * figures are the real nvidia-smi captures in /work/shared/fixtures/nvidia-smi (an H200, driver
 * 580.159.04): GPU 0 is `h200-busy-query.csv` + `h200-busy-apps.csv`, GPU 1 is the same card's
 * idle capture `h200-idle-query.csv` shown as a second device. Only the history is synthetic.
 */

const MIB = 1024 * 1024;

/** The captures' own timestamp (Thu Nov 26 22:36:26 2026, UTC), so screenshots never change. */
export const HARNESS_NOW = Date.UTC(2026, 10, 26, 22, 36, 26);

const H200_TOTAL = 143771 * MIB;

const busyGpu: Gpu = {
  vendor: 'nvidia',
  index: 0,
  uuid: 'GPU-bd43af9b-dbdb-0ffb-f8d3-76cac3c5037e',
  name: 'NVIDIA H200',
  memory_total_bytes: H200_TOTAL,
  memory_used_bytes: 41935 * MIB,
  memory_free_bytes: 101222 * MIB,
  unified_memory: false,
  utilization_pct: 93,
  temperature_c: 55,
  power_draw_w: 370.25,
  power_limit_w: 700,
  // fan.speed is [N/A] on this card.
  fan_pct: null,
  pci_bus_id: '00000000:00:06.0',
  driver_version: '580.159.04',
  compute_capability: '9.0',
  processes: [{ pid: 467, name: 'python3', used_memory_bytes: 41926 * MIB }],
};

const idleGpu: Gpu = {
  ...busyGpu,
  index: 1,
  memory_used_bytes: 0,
  memory_free_bytes: 143156 * MIB,
  utilization_pct: 0,
  temperature_c: 38,
  power_draw_w: 123.06,
  processes: [],
};

/** The busy capture's process, as if it were an rbees worker: shows the pid → worker match. */
const worker: WorkerEntry = {
  id: 'w1',
  pid: 467,
  port: 41827,
  model: 'Qwen3-32B-Q4_K_M',
  model_path: '/home/rbees/.rbees/models/Qwen3-32B-Q4_K_M.gguf',
  backend: 'cuda',
  gpu: 0,
  log: '/home/rbees/.rbees/workers/w1.log',
  started_at: new Date(HARNESS_NOW - 8 * 60_000).toISOString(),
  on_demand: false,
  restarts: 0,
  last_error: null,
  status: 'ready',
  slots_total: 4,
  slots_busy: 3,
};

/** A deterministic wobble in [-1, 1]: no Math.random, so every run draws the same picture. */
function wobble(i: number, seed: number): number {
  return Math.sin(i * 1.7 + seed) * 0.6 + Math.sin(i * 0.37 + seed * 2) * 0.4;
}

/**
 * Ten minutes, one sample every 5 s: idle, a model loads 8 minutes ago, then steady load with a
 * quiet spell; the host went away between 6:40 and 5:10 ago (no samples: the chart must break).
 */
function history(): HostSample[] {
  const out: HostSample[] = [];
  const count = HISTORY_MS / SAMPLE_INTERVAL_MS;
  for (let i = 0; i <= count; i += 1) {
    const ago = (count - i) * SAMPLE_INTERVAL_MS;
    const min = ago / 60_000;
    if (min < 6.67 && min > 5.17) continue;
    const at = HARNESS_NOW - ago;
    if (i === count) {
      out.push({ at, gpus: [sampleOf(busyGpu), sampleOf(idleGpu)] });
      continue;
    }
    const loaded = Math.min(1, Math.max(0, (8.2 - min) / 0.6));
    const busy = min < 7.6;
    const lull = min < 3.6 && min > 2.8;
    const util = busy ? (lull ? 32 : 90) + wobble(i, 1) * 6 : loaded > 0 ? 14 : 0;
    const warm = busy ? 1 - Math.exp(-(7.6 - min) / 1.3) : 0;
    out.push({
      at,
      gpus: [
        {
          index: 0,
          memory_used_bytes: Math.round(41935 * loaded) * MIB,
          utilization_pct: Math.round(Math.max(0, util)),
          temperature_c: Math.round(38 + 17 * warm - (lull ? 3 : 0) + wobble(i, 3)),
          power_draw_w: busy ? 123 + (util / 93) * 250 + wobble(i, 5) * 20 : 123 + loaded * 30,
        },
        {
          index: 1,
          memory_used_bytes: 0,
          utilization_pct: 0,
          temperature_c: Math.round(38 + wobble(i, 7) * 0.6),
          power_draw_w: 123 + wobble(i, 9) * 2,
        },
      ],
    });
  }
  return out;
}

function sampleOf(gpu: Gpu) {
  return {
    index: gpu.index,
    memory_used_bytes: gpu.memory_used_bytes,
    utilization_pct: gpu.utilization_pct,
    temperature_c: gpu.temperature_c,
    power_draw_w: gpu.power_draw_w,
  };
}

const GIB = 1024 * MIB;

export const HARNESS_HOSTS: HostView[] = [
  {
    info: { name: 'h200-box', spec: 'rbees@h200-box', agent_dir: '~/.rbees', state: 'online' },
    status: {
      hostname: 'h200-box',
      platform: 'linux',
      os: 'Ubuntu 24.04.1 LTS',
      arch: 'x64',
      kernel: '6.8.0-88-generic',
      cpu: { model: 'Intel(R) Xeon(R) Platinum 8480+', cores: 48 },
      memory: { total_bytes: 503 * GIB, free_bytes: 431 * GIB },
      disk: {
        path: '/home/rbees/.rbees',
        total_bytes: 1_900_000_000_000,
        free_bytes: 1_400_000_000_000,
      },
      gpus: [busyGpu, idleGpu],
      probes: [{ tool: 'nvidia-smi', status: 'ok' }],
      models: [],
      workers: [worker],
    },
    status_at: HARNESS_NOW,
    status_error: null,
    workers: [worker],
    worker_rates: {},
    downloads: [],
    history: history(),
  },
  {
    info: { name: 'mini', spec: 'mini.local', agent_dir: '~/.rbees', state: 'online' },
    status: {
      hostname: 'mini',
      platform: 'linux',
      os: 'Debian GNU/Linux 12 (bookworm)',
      arch: 'x64',
      kernel: '6.1.0-26-amd64',
      cpu: { model: 'Intel(R) Core(TM) i5-8500T CPU @ 2.10GHz', cores: 6 },
      memory: { total_bytes: 16 * GIB, free_bytes: 9.3 * GIB },
      disk: {
        path: '/home/rbees/.rbees',
        total_bytes: 240_000_000_000,
        free_bytes: 118_000_000_000,
      },
      gpus: [],
      probes: [
        { tool: 'nvidia-smi', status: 'absent' },
        { tool: 'rocm-smi', status: 'absent' },
      ],
      models: [],
      workers: [],
    },
    status_at: HARNESS_NOW,
    status_error: null,
    workers: [],
    worker_rates: {},
    downloads: [],
    history: [],
  },
];

/** The two placeholders: a host whose first status is on its way, and one whose agent failed. */
export const HARNESS_PLACEHOLDERS: HostView[] = [
  {
    info: { name: 'lab-2', spec: 'lab-2', agent_dir: '~/.rbees', state: 'connecting' },
    status: null,
    status_at: null,
    status_error: null,
    workers: [],
    worker_rates: {},
    downloads: [],
    history: [],
  },
  {
    info: { name: 'old-box', spec: 'old-box', agent_dir: '~/.rbees', state: 'online' },
    status: null,
    status_at: null,
    status_error: {
      code: 'AGENT_FAILED',
      message: 'old-box runs rbees-pool 0.1.0, this app needs 0.3.0: update the agent from Hosts.',
    },
    workers: [],
    worker_rates: {},
    downloads: [],
    history: [],
  },
];
