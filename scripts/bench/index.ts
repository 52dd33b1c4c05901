import { ensureTestModels, testModelsDir } from '../test-models';
import { benchDownload } from './download';
import { ensureModelFile } from '../test-models/model-file';
import { KIND_DEFAULTS, SCRIPT_LONG_TEXT } from '../test-models/standard-models';
import { startDaemonProcess } from '../testing/daemon-process';
import { benchControlPlane } from './control-plane';
import { processCpuMs } from './cpu';
import { benchSftp } from './sftp';
import { printTable, type Measured } from './report';
import {
  directProbes,
  openAiProbe,
  OVERHEAD_ENV,
  tasksProbe,
  workerProbe,
  type Probe,
} from './stream-probes';
import { benchTunnel } from './tunnel';
import { benchUi } from './ui';
import { benchSched } from './sched';
import { benchLoad } from './load';
import { benchCancel } from './cancel';
import { benchColdStart } from './cold-start';
import { benchEmbeddings } from './embeddings';
import { benchGrammar } from './grammar';

/**
 * `npm run bench`: streaming overhead of each layer against node-llama-cpp called directly, on the
 * same model, prompt and settings, in rounds that interleave the paths so that drift in the
 * machine's speed hits them all alike. Wall-clock rates on a shared 2-core VM are noisy; the
 * daemon's own CPU time per token (from /proc) is the steadier measure of what it adds.
 */
interface Case {
  label: string;
  path: string;
  maxTokens: number;
  rounds: number;
}

async function main(): Promise<void> {
  const models = await ensureTestModels();
  // A script model of the large shape: every path then streams the same known tokens, each with
  // text (a random model's blank tokens would make text chunks and tokens differ).
  const large = await ensureModelFile(testModelsDir(), {
    ...KIND_DEFAULTS.large,
    name: 'large-script',
    script: SCRIPT_LONG_TEXT,
  });
  const cases: Case[] = [
    { label: 'tiny (~0.6M params, f32)', path: models.scriptLong, maxTokens: 320, rounds: 30 },
    { label: 'large (~270M params, Q8_0)', path: large.path, maxTokens: 64, rounds: 5 },
  ];
  // `npm run bench -- tiny` runs only the parts whose label contains "tiny" (or ssh, sftp,
  // download, tunnel, ui).
  const only = process.argv[2];
  for (const benchCase of cases) {
    if (!only || benchCase.label.includes(only)) await runCase(benchCase);
  }
  if (!only || only === 'ssh') await benchControlPlane();
  if (!only || only === 'sftp') await benchSftp();
  if (!only || only === 'download') await benchDownload(models.scriptSlow);
  // The same model, length and runs as above, served by a worker on a pool host.
  if (!only || only === 'tunnel') await benchTunnel(cases);
  if (!only || only === 'ui') await benchUi();
  if (!only || only === 'sched') await benchSched(models.script);
  if (!only || only === 'load') await benchLoad(models.scriptLong);
  if (!only || only === 'cancel') await benchCancel(models.scriptSlow);
  if (!only || only === 'grammar') await benchGrammar(models.tiny);
  if (!only || only === 'embeddings') {
    await benchEmbeddings('tiny (~0.6M params, f32)', models.tiny, { batch: 32, rounds: 5 });
    await benchEmbeddings('large (~270M params, Q8_0)', large.path, { batch: 4, rounds: 3 });
  }
  // `-- cold other/out/main/serve.js …` compares this build's cold start with other builds'.
  if (!only || only === 'cold') await benchColdStart(only ? process.argv.slice(3) : []);
}

async function runCase({ label, path, maxTokens, rounds }: Case): Promise<void> {
  const worker = await workerProbe(path);
  const [direct, directChat] = await directProbes(path, worker.contextSize);
  const daemon = await startDaemonProcess({
    models: [{ path, as: 'bench.gguf' }],
    env: OVERHEAD_ENV,
  });
  const viaDaemon = [
    tasksProbe(daemon.url, daemon.token, 'bench'),
    openAiProbe(daemon.url, daemon.token, 'bench'),
  ];
  const probes: Probe[] = [direct, directChat, worker, ...viaDaemon];
  const measured = new Map<Probe, Measured>(
    probes.map((probe) => [probe, { probe, timelines: [], daemonCpuMs: 0 }]),
  );
  const prompt = 'Once upon a time';
  try {
    for (const probe of probes) await probe.run(prompt, 4); // warm up: loads, first-use costs
    for (let round = 0; round < rounds; round++) {
      for (const probe of probes) {
        const entry = measured.get(probe);
        const cpuBefore = processCpuMs(daemon.pid);
        entry?.timelines.push(await probe.run(prompt, maxTokens));
        if (entry && viaDaemon.includes(probe))
          entry.daemonCpuMs += processCpuMs(daemon.pid) - cpuBefore;
      }
    }
    // Chat requests are measured against node-llama-cpp's chat, the rest against its completion.
    printTable(label, [...measured.values()], (probe) =>
      probe.name.includes('chat') ? directChat : direct,
    );
  } finally {
    for (const probe of probes) await probe.close();
    await daemon.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
