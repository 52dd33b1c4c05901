/**
 * The stand-in as a process of its own (for benchmarks, where sharing the event loop with the
 * client would be unfair to it, and for trying the CLI by hand):
 *   npx tsx scripts/testing/hf-stand-in/cli.ts org/repo=path/to/file.gguf [org/repo=file2.gguf …]
 * Prints `{"url": …}` on one line when ready; stops on SIGTERM or SIGINT.
 */
import { basename } from 'node:path';
import type { RepoSpec } from './catalog';
import { startHfStandIn } from './index';

const repos: Record<string, RepoSpec> = {};
for (const arg of process.argv.slice(2)) {
  const eq = arg.indexOf('=');
  if (eq < 0) throw new Error(`usage: cli.ts org/repo=path.gguf …; got ${arg}`);
  const repo = arg.slice(0, eq);
  const path = arg.slice(eq + 1);
  (repos[repo] ??= { files: {} }).files[basename(path)] = path;
}
// HF_STAND_IN_BYTES_PER_SEC throttles every transfer (the benchmark's gigabit case).
const rate = Number(process.env.HF_STAND_IN_BYTES_PER_SEC) || undefined;
const hf = await startHfStandIn({
  repos,
  requiredToken: process.env.HF_STAND_IN_TOKEN,
  bytesPerSec: rate,
});
process.stdout.write(`${JSON.stringify({ url: hf.url })}\n`);
const stop = (): void => void hf.stop().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
