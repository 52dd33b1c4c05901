/**
 * `rbees-pool models download` as a program of its own: what a detached download runs when the
 * caller is not the rbees-pool CLI itself (tests pass `[node, --import, tsx, <this file>]`).
 *   node cli-entry.js <ref> [--json] [--detach] | --attach ID | --list | --cancel ID
 */
import { runDownloadCommand } from './command';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.exitCode = await runDownloadCommand(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
  // --detach re-runs this file, not the rbees-pool CLI (which would need `models download`).
  detachCommand: [process.execPath, ...process.execArgv, process.argv[1] ?? ''],
});
