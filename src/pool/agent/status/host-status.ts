import { readFile } from 'node:fs/promises';
import { arch, cpus, freemem, hostname, platform, release, totalmem, type } from 'node:os';
import { diskOf } from './disk-of';
import { probeGpus } from '../gpus/gpus';
import { listModels } from '../models/model-store';
import { modelsDir, workersDir } from '../paths';
import type { HostStatus } from '../../../shared/pool-status';
import { liveWorkers, withoutSecret } from '../workers/worker-state';

/** "Ubuntu 24.04.1 LTS" from os-release on Linux; the kernel's name and release elsewhere. */
async function osName(): Promise<string> {
  if (platform() === 'linux') {
    const text = await readFile('/etc/os-release', 'utf8').catch(() => '');
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text)?.[1];
    if (pretty) return pretty;
  }
  return `${type()} ${release()}`;
}

export async function hostStatus(): Promise<HostStatus> {
  const models = modelsDir();
  const [os, disk, gpus, present, workers] = await Promise.all([
    osName(),
    diskOf(models),
    probeGpus(),
    listModels(models),
    liveWorkers(workersDir()),
  ]);
  const cpuList = cpus();
  return {
    hostname: hostname(),
    platform: platform(),
    os,
    arch: arch(),
    kernel: release(),
    cpu: { model: cpuList[0]?.model.trim() ?? 'unknown', cores: cpuList.length },
    // os.freemem() is MemAvailable on Linux: what a new worker can really get.
    memory: { total_bytes: totalmem(), free_bytes: freemem() },
    disk,
    gpus: gpus.gpus,
    probes: gpus.probes,
    models: present,
    // The status goes to the daemon's store and UI: secrets only ever leave with `worker list`.
    workers: workers.workers.map(withoutSecret),
  };
}
