import { ensureModelFile } from '../test-models/model-file';
import { KIND_DEFAULTS, SCRIPT_LONG_TEXT } from '../test-models/standard-models';
import { ensureTestModels, testModelsDir } from '../test-models';
import { startDaemonProcess } from '../testing/daemon-process';
import {
  directProbes,
  openAiProbe,
  tasksProbe,
  workerProbe,
  type Probe,
  type Timeline,
} from './stream-probes';

/**
 * `npm run bench`: streaming overhead of each layer against node-llama-cpp called directly, on the
 * same model, prompt and settings, in rounds that interleave the four paths so that drift in the
 * machine's speed hits them all alike. Reports medians over the rounds.
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
    {
      label: 'tiny (script-long, ~0.6M params)',
      path: models.scriptLong,
      maxTokens: 320,
      rounds: 15,
    },
    { label: 'large (~270M params, Q8_0)', path: large.path, maxTokens: 48, rounds: 4 },
  ];
  // `npm run bench -- tiny` runs only the cases whose label contains "tiny".
  const only = process.argv[2];
  for (const benchCase of cases)
    if (!only || benchCase.label.includes(only)) await runCase(benchCase);
}

async function runCase({ label, path, maxTokens, rounds }: Case): Promise<void> {
  const worker = await workerProbe(path);
  const [direct, directChat] = await directProbes(path, worker.contextSize);
  const daemon = await startDaemonProcess({ models: [{ path, as: 'bench.gguf' }] });
  const probes: Probe[] = [
    direct,
    directChat,
    worker,
    tasksProbe(daemon.url, daemon.token, 'bench'),
    openAiProbe(daemon.url, daemon.token, 'bench'),
  ];
  const prompt = 'Once upon a time';
  try {
    for (const probe of probes) await probe.run(prompt, 4); // warm up: loads, first-use costs
    const results = new Map<Probe, Timeline[]>(probes.map((probe) => [probe, []]));
    for (let round = 0; round < rounds; round++) {
      for (const probe of probes) results.get(probe)?.push(await probe.run(prompt, maxTokens));
    }
    // Chat requests are measured against node-llama-cpp's chat, the rest against its completion.
    report(label, probes, results, (probe) => (probe.name.includes('chat') ? directChat : direct));
  } finally {
    for (const probe of probes) await probe.close();
    await daemon.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Decode rate between the first and the last token: prompt processing is in TTFT instead. */
function decodeRate(timeline: Timeline): number {
  const first = timeline.tokens[0] ?? 0;
  const last = timeline.tokens.at(-1) ?? 0;
  return ((timeline.tokens.length - 1) / (last - first)) * 1000;
}

function report(
  label: string,
  probes: Probe[],
  results: Map<Probe, Timeline[]>,
  baselineOf: (probe: Probe) => Probe,
): void {
  const rows = probes.map((probe) => {
    const timelines = results.get(probe) ?? [];
    return {
      probe,
      name: probe.name,
      tokens: median(timelines.map((timeline) => timeline.tokens.length)),
      rate: median(timelines.map(decodeRate)),
      ttft: median(timelines.map((timeline) => (timeline.tokens[0] ?? NaN) - timeline.start)),
    };
  });
  console.log(
    `\n${label}: median of ${results.get(probes[0]!)?.length} runs each, 1 thread, temperature 0`,
  );
  console.log(
    `${'path'.padEnd(34)}${'tokens'.padStart(7)}${'decode tok/s'.padStart(14)}${'ratio'.padStart(8)}` +
      `${'µs/token added'.padStart(16)}${'TTFT ms'.padStart(10)}${'TTFT +ms'.padStart(10)}`,
  );
  for (const row of rows) {
    const base = rows.find((candidate) => candidate.probe === baselineOf(row.probe)) ?? row;
    const addedUs = (1 / row.rate - 1 / base.rate) * 1e6;
    console.log(
      `${row.name.padEnd(34)}${String(row.tokens).padStart(7)}${row.rate.toFixed(0).padStart(14)}` +
        `${(row.rate / base.rate).toFixed(3).padStart(8)}${addedUs.toFixed(1).padStart(16)}` +
        `${row.ttft.toFixed(1).padStart(10)}${(row.ttft - base.ttft).toFixed(1).padStart(10)}`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
