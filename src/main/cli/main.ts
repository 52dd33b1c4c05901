/**
 * rbees-ctl (alias llorch): the operator CLI. `pool …` runs rbees-pool on a host over SSH; `infer`
 * streams a generation from the daemon. Pure Node (no electron). Only the command tree loads
 * eagerly; SSH, the SDK and the rest load when a command runs, so `--help` starts fast.
 */
import { wantsJson } from '../../node/cli/options';
import { EXIT, exitWhenFlushed, runCli } from '../../node/cli/run-cli';
import { ctlProgram } from './commands';

const controller = new AbortController();
// First Ctrl-C: abort the remote command or job cleanly; a second one: leave at once.
process.once('SIGINT', () => {
  controller.abort();
  process.once('SIGINT', () => process.exit(EXIT.interrupted));
});

const argv = process.argv.slice(2);
const program = ctlProgram({ signal: controller.signal, env: process.env });
const io = { stdout: process.stdout, stderr: process.stderr };
runCli('llorch', program, argv, io, wantsJson(argv)).then(exitWhenFlushed, (err: unknown) => {
  process.stderr.write(
    `llorch: fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  exitWhenFlushed(EXIT.failure);
});
