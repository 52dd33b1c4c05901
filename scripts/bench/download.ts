/**
 * Download throughput against curl, side by side from the same stand-in (`npm run bench --
 * download`). The stand-in runs in a process of its own, as a real server would (in-process it would share
 * the event loop with the download under test). Rounds alternate curl and downloadModel; both
 * write to the same disk. curl only writes; downloadModel also hashes (sha256), fsyncs and
 * renames: the price of a verified, atomic install, so `curl -o && sha256sum && sync --data` is
 * timed too, as the like-for-like reference. Prints medians and both ratios.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { downloadModel } from '../../src/pool/agent/download/download-model';

const run = promisify(execFile);
const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Gigabit Ethernet's payload rate, about what a home LAN gives a download from a local mirror. */
const GIGABIT = 117 * (1 << 20);

/**
 * `rbees-pool`'s downloadModel vs curl on `file` (~100 MiB is enough), alternating rounds: as fast
 * as loopback goes (CPU-bound: server and client share this machine's cores), then with the
 * stand-in sending at gigabit speed (what a LAN mirror gives; the link is then the limit).
 */
export async function benchDownload(file: string, rounds = 7): Promise<void> {
  await scenario(file, rounds, undefined);
  await scenario(file, Math.min(rounds, 5), GIGABIT);
}

async function scenario(file: string, rounds: number, bytesPerSec: number | undefined) {
  const size = (await stat(file)).size;
  const cli = fileURLToPath(new URL('../testing/hf-stand-in/cli.ts', import.meta.url));
  const server = spawn(process.execPath, ['--import', 'tsx', cli, `bench/model=${file}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, HF_STAND_IN_BYTES_PER_SEC: bytesPerSec ? String(bytesPerSec) : '' },
  });
  const lines = createInterface({ input: server.stdout });
  const first = (await lines[Symbol.asyncIterator]().next()).value as string;
  const { url } = JSON.parse(first) as { url: string };
  const name = basename(file);
  const tmp = await mkdtemp(join(tmpdir(), 'rbees-bench-'));
  const curlTimes: number[] = [];
  const ours: number[] = [];
  const verified: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      const target = join(tmp, 'curl.gguf');
      await run('curl', ['-sSfL', '-o', target, `${url}/bench/model/resolve/main/${name}`]);
      curlTimes.push(performance.now() - t0);
      await rm(target);
      // The same guarantees as downloadModel: the bytes hashed and on disk before it counts.
      const t2 = performance.now();
      await run('curl', ['-sSfL', '-o', target, `${url}/bench/model/resolve/main/${name}`]);
      await run('sha256sum', [target]);
      await run('sync', ['--data', target]);
      verified.push(performance.now() - t2);
      await rm(target);
      const dir = join(tmp, `ours-${i}`);
      const t1 = performance.now();
      await downloadModel(`hf:bench/model::file=${name}`, { modelsDir: dir, endpoint: url });
      ours.push(performance.now() - t1);
      await rm(dir, { recursive: true });
    }
  } finally {
    server.kill('SIGTERM');
    await rm(tmp, { recursive: true, force: true });
  }
  const mib = size / (1 << 20);
  const line = (label: string, xs: number[]): string =>
    `${label} ${median(xs).toFixed(0)} ms  ${(mib / (median(xs) / 1000)).toFixed(0)} MiB/s  ` +
    `[${xs.map((t) => t.toFixed(0)).join(', ')}]`;
  const link = bytesPerSec
    ? `sent at ${(bytesPerSec / (1 << 20)).toFixed(0)} MiB/s (gigabit)`
    : 'on loopback, unthrottled';
  console.log(
    `\ndownload of ${basename(file)} (${mib.toFixed(1)} MiB) from the HF stand-in ${link}, ${rounds} rounds, medians:`,
  );
  console.log(line('curl -o:                  ', curlTimes));
  console.log(line('curl + sha256sum + sync:  ', verified));
  console.log(line('downloadModel:            ', ours));
  const ratio = (xs: number[]): string => (median(xs) / median(ours)).toFixed(2);
  const plain = median(curlTimes) / median(ours);
  console.log(
    `ratio downloadModel / curl -o: ${ratio(curlTimes)} (target >= 0.9: ${plain >= 0.9 ? 'met' : 'NOT met'})`,
  );
  console.log(`ratio downloadModel / curl + sha256sum + sync: ${ratio(verified)}`);
}
