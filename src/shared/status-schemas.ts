import { z } from 'zod';
import { WorkerEntrySchema } from './worker-schemas';

/**
 * What `rbees-pool status --json` reports: the contract between the agent (its only writer) and
 * the daemon, which parses it where it reads it (hosts/agent-calls.ts). Sizes are bytes,
 * temperatures °C, power W, shares percent; a value the hardware does not report (nvidia-smi's
 * `[N/A]`) is null, never 0. Measurements are plain numbers: a driver may report fractions.
 */

const measured = z.number().nullable();

/** A process holding GPU memory, as the driver reports it. */
export const GpuProcessSchema = z.object({
  pid: z.int(),
  name: z.string(),
  used_memory_bytes: measured,
});

export const GpuSchema = z.object({
  vendor: z.enum(['nvidia', 'amd', 'apple']),
  /** The vendor tool's device index (what `--gpu N` means). */
  index: z.int(),
  uuid: z.string().nullable(),
  name: z.string(),
  memory_total_bytes: measured,
  memory_used_bytes: measured,
  memory_free_bytes: measured,
  /** Apple silicon: the GPU shares the host's RAM, so memory_* are the RAM figures. */
  unified_memory: z.boolean(),
  utilization_pct: measured,
  temperature_c: measured,
  power_draw_w: measured,
  power_limit_w: measured,
  fan_pct: measured,
  pci_bus_id: z.string().nullable(),
  driver_version: z.string().nullable(),
  compute_capability: z.string().nullable(),
  processes: z.array(GpuProcessSchema),
});

/** How a probe went: `absent` (tool not installed) is a normal answer, not a failure. */
export const ProbeReportSchema = z.object({
  tool: z.enum(['nvidia-smi', 'rocm-smi', 'system_profiler']),
  status: z.enum(['ok', 'absent', 'failed', 'timeout']),
  message: z.string().optional(),
});

/** A model file in `$RBEES_HOME/models`. */
export const ModelEntrySchema = z.object({
  id: z.string(),
  path: z.string(),
  size_bytes: z.int(),
  modified_at: z.string(),
});

/** The disk that holds a folder; null when none can be read. */
export const DiskSchema = z
  .object({ path: z.string(), total_bytes: z.number(), free_bytes: z.number() })
  .nullable();

export const HostStatusSchema = z.object({
  hostname: z.string(),
  /** node's os.platform(): linux, darwin, win32… */
  platform: z.string(),
  /** A readable OS name, e.g. "Ubuntu 24.04.1 LTS" or "Darwin 24.1.0". */
  os: z.string(),
  arch: z.string(),
  kernel: z.string(),
  cpu: z.object({ model: z.string(), cores: z.int() }),
  memory: z.object({ total_bytes: z.number(), free_bytes: z.number() }),
  disk: DiskSchema,
  gpus: z.array(GpuSchema),
  probes: z.array(ProbeReportSchema),
  models: z.array(ModelEntrySchema),
  /** As fit to show: parsing with WorkerEntrySchema leaves any secret behind. */
  workers: z.array(WorkerEntrySchema),
});

/** `rbees-pool status --json`'s answer, and `GET /api/hosts/:name/status`. */
export const StatusLineSchema = HostStatusSchema.extend({ event: z.literal('status') });
