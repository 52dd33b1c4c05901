/**
 * `npm run bench -- cold [other/out/main/serve.js …]`: time from a job for a model that no worker
 * serves to its first token, on this computer: the daemon starts a worker, the worker loads the
 * model, the job streams. With other builds' serve.js named, each round runs every build in turn
 * (interleaved, so drift in the machine's speed hits them all alike) and the table compares them.
 */
import { fileURLToPath } from 'node:url';
import { ensureTestModels } from '../test-models';
import { startDaemonProcess } from '../testing/daemon-process';
import { Client } from '../../src/shared/sdk';
import { median, percentile } from './stats';

const THIS_BUILD = fileURLToPath(new URL('../../out/main/serve.js', import.meta.url));
const ROUNDS = 8;
/** Models per daemon: the first job of each starts a worker (the first one also warms the daemon). */
const MODELS = ['a', 'b', 'c'];
/** The daemon's own start-up work (its first host reads) is over before the clock starts. */
const SETTLE_MS = 1500;

/** Read to the end (4 tokens): a reader that leaves mid-stream is not what is measured here. */
async function firstTokenMs(client: Client, model: string): Promise<number> {
  const start = performance.now();
  let first: number | undefined;
  for await (const event of client.enqueueStream({ model, prompt: 'Hi', max_tokens: 4 })) {
    if (event.type === 'token') first ??= performance.now() - start;
    if (event.type === 'error') throw new Error(`${model}: ${event.data.message}`);
  }
  if (first === undefined) throw new Error(`${model}: no token`);
  return first;
}

/** One daemon of `serve`: the cold first token of each model (after the first, which warms up). */
async function round(serve: string, model: string): Promise<number[]> {
  const daemon = await startDaemonProcess({
    serve,
    models: MODELS.map((name) => ({ path: model, as: `${name}.gguf` })),
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const client = new Client(daemon.url, { token: daemon.token });
    const times: number[] = [];
    for (const name of MODELS) times.push(await firstTokenMs(client, name));
    return times.slice(1);
  } finally {
    await daemon.stop();
  }
}

export async function benchColdStart(others: readonly string[]): Promise<void> {
  const models = await ensureTestModels();
  const builds = [THIS_BUILD, ...others];
  const samples = new Map<string, number[]>(builds.map((b) => [b, []]));
  for (let i = 0; i < ROUNDS; i += 1) {
    for (const build of i % 2 === 0 ? builds : [...builds].reverse()) {
      samples.get(build)?.push(...(await round(build, models.script)));
    }
  }
  console.log(
    `\ncold start: job → first token for a model no worker serves (script model, 1 thread)`,
  );
  console.log(
    `${'build'.padEnd(60)} ${'n'.padStart(3)} ${'median ms'.padStart(10)} ${'p90 ms'.padStart(8)}`,
  );
  for (const [build, times] of samples) {
    const name = build === THIS_BUILD ? 'this build' : build;
    const row = [
      name.padEnd(60),
      String(times.length).padStart(3),
      median(times).toFixed(0).padStart(10),
      percentile(times, 0.9).toFixed(0).padStart(8),
    ];
    console.log(row.join(' '));
  }
}
