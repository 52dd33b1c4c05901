import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { API } from '../../src/shared/api';
import type { WorkerRecord } from '../../src/shared/pool-status';
import { WORKER_SECRET_ENV } from '../../src/shared/worker-auth';
import { Client } from '../../src/shared/sdk';
import type { DaemonProcess } from '../testing/daemon-process';
import { putModelOnHost, startPool } from '../testing/pool-fixture';
import type { TestHost } from '../testing/test-hosts';
import { processCpuMs } from './cpu';
import type { HostRun } from './host-client';
import { decodeRate, printTable, type Measured } from './report';
import { median } from './stats';
import type { Probe, Timeline } from './stream-probes';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const HOST_CLIENT = fileURLToPath(new URL('./host-client.ts', import.meta.url));
const HOST = 'bench1';

export interface TunnelCase {
  label: string;
  path: string;
  maxTokens: number;
  rounds: number;
}

/**
 * Streaming through an SSH tunnel: one worker on a real sshd pool host (its own network namespace),
 * called through the daemon's /v2/tasks (daemon → ssh2 forwardOut channel → worker) and directly
 * on its host (a client in the host's namespace, on the worker's 127.0.0.1), alternating runs.
 * The worker runs with 1 thread like the other sections' workers (the default, all math cores,
 * spin-waits on a loaded 2-core machine: 2-18 s for the same 320 tokens).
 */
export async function benchTunnel(cases: TunnelCase[]): Promise<void> {
  const pool = await startPool();
  try {
    const [host] = pool.hosts;
    if (!host) throw new Error('no test host');
    await pool.register(HOST, host);
    const { daemon } = pool;
    const spawnWorker = async (model: string): Promise<{ id: string; port: number }> => {
      const body = { model, backend: 'cpu', threads: 1 };
      const spawned = await daemon.call('POST', API.hostWorkers(HOST), body);
      if (spawned.status !== 201) throw new Error(`worker spawn: ${JSON.stringify(spawned)}`);
      return spawned.json as unknown as { id: string; port: number };
    };
    for (const benchCase of cases) await runCase(daemon, host, spawnWorker, benchCase);
  } finally {
    await pool.stop();
  }
}

async function runCase(
  daemon: DaemonProcess,
  host: TestHost,
  spawnWorker: (model: string) => Promise<{ id: string; port: number }>,
  spec: TunnelCase,
): Promise<void> {
  const model = `bench-tunnel-${spec.label.split(' ')[0]}`;
  await putModelOnHost(host, spec.path, `${model}.gguf`);
  const spawned = await spawnWorker(model);
  const workerId = spawned.id;
  const viaDaemon = tunnelTasksProbe(daemon, model, workerId);
  let onHost: Probe | undefined;
  try {
    const baseline = await hostProbe(host, spawned.port, await secretOn(host, workerId));
    onHost = baseline;
    const probes = [baseline, viaDaemon];
    const measured = new Map<Probe, Measured>(
      probes.map((probe) => [probe, { probe, timelines: [], daemonCpuMs: 0 }]),
    );
    const prompt = 'Once upon a time';
    for (const probe of probes) await probe.run(prompt, 4); // warm up, and check the route
    for (let round = 0; round < spec.rounds; round++) {
      for (const probe of probes) {
        const entry = measured.get(probe);
        const cpuBefore = processCpuMs(daemon.pid);
        entry?.timelines.push(await probe.run(prompt, spec.maxTokens));
        if (entry && probe === viaDaemon) entry.daemonCpuMs += processCpuMs(daemon.pid) - cpuBefore;
      }
    }
    printTable(`tunnel, ${spec.label}`, [...measured.values()], () => baseline);
    const rate = (probe: Probe) => median((measured.get(probe)?.timelines ?? []).map(decodeRate));
    const ratio = rate(viaDaemon) / rate(baseline);
    console.log(
      `decode tok/s through the tunnel / on the host: ${ratio.toFixed(3)} (target >= 0.95: ${ratio >= 0.95 ? 'met' : 'NOT met'})`,
    );
  } finally {
    await onHost?.close();
    await expectStatus(
      daemon.call('DELETE', API.hostWorker(HOST, workerId)),
      204,
      'stop worker',
    ).catch((err: unknown) => console.error(err));
    await rm(join(host.home, '.rbees', 'models', `${model}.gguf`), { force: true });
  }
}

/**
 * The worker's secret, from the agent's state file on its host: the daemon never gives it out,
 * and the client on the host is the host user's own (as root here, it may read it).
 */
async function secretOn(host: TestHost, workerId: string): Promise<string> {
  const file = join(host.home, '.rbees', 'workers', `${workerId}.json`);
  const { secret } = JSON.parse(await readFile(file, 'utf8')) as WorkerRecord;
  if (secret === null) throw new Error(`${file} holds no secret`);
  return secret;
}

/** The baseline: the worker's /execute from a client on its host (see host-client.ts). */
async function hostProbe(host: TestHost, port: number, secret: string): Promise<Probe> {
  const command = [process.execPath, '--import', 'tsx', HOST_CLIENT, `http://127.0.0.1:${port}`];
  // As root the host is a network namespace; otherwise its 127.0.0.1 is this machine's.
  const [file, ...args] = host.netns ? ['ip', 'netns', 'exec', host.netns, ...command] : command;
  const child: ChildProcess = spawn(file ?? 'ip', args, {
    cwd: REPO,
    env: { ...process.env, [WORKER_SECRET_ENV]: secret },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: Interface = createInterface({ input: child.stdout! });
  const answers = lines[Symbol.asyncIterator]();
  return {
    name: 'rbees-workerd /execute on host',
    async run(prompt, maxTokens): Promise<Timeline> {
      child.stdin!.write(`${JSON.stringify({ prompt, max_tokens: maxTokens })}\n`);
      const next = await answers.next();
      if (next.done) throw new Error(`host client exited (${child.exitCode})`);
      const answer = JSON.parse(String(next.value)) as HostRun;
      if (answer.error) throw new Error(`worker on ${host.name}: ${answer.error}`);
      return { start: 0, tokens: answer.tokens };
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin!.end(); // its loop ends with stdin
      await exited;
    },
  };
}

/** The daemon's /v2/tasks, checked to be served by the host's worker (through the tunnel). */
function tunnelTasksProbe(daemon: DaemonProcess, model: string, workerId: string): Probe {
  const client = new Client(daemon.url, { token: daemon.token });
  return {
    name: 'rbees-orcd /v2/tasks via tunnel',
    async run(prompt, maxTokens) {
      const timeline: Timeline = { start: performance.now(), tokens: [] };
      const request = { model, prompt, max_tokens: maxTokens, temperature: 0 };
      for await (const event of client.enqueueStream(request)) {
        if (event.type === 'token') timeline.tokens.push(performance.now());
        else if (event.type === 'error') throw new Error(`daemon: ${JSON.stringify(event.data)}`);
        else if (
          event.type === 'started' &&
          (event.data.host !== HOST || event.data.worker_id !== workerId)
        ) {
          throw new Error(`served by ${event.data.host}/${event.data.worker_id}, not the tunnel`);
        }
      }
      return timeline;
    },
    close: async () => undefined,
  };
}

async function expectStatus(
  answer: ReturnType<DaemonProcess['call']>,
  status: number,
  what: string,
): Promise<Record<string, unknown>> {
  const { status: got, json } = await answer;
  if (got !== status) throw new Error(`${what}: HTTP ${got} ${JSON.stringify(json)}`);
  return json;
}
