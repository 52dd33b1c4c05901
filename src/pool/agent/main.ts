/**
 * rbees-pool: the agent CLI the daemon runs on every pool host over SSH (`cd <agent dir> &&
 * rbees-pool …`). Exit 0 only on success; errors go to stderr as `rbees-pool: <message>` and,
 * with --json, also as a final `{"event":"error",…}` line on stdout (the daemon reads stdout).
 */
import { wantsJson } from '../../node/cli/options';
import { exitWhenFlushed, runCli } from '../../node/cli/run-cli';
import { agentProgram } from './commands';
import { createOutput } from './cli/output';

// If the event loop drains while a command still awaits something that can no longer happen, Node
// would exit 0: that must read as a failure, never as success.
process.exitCode = 1;
process.once('beforeExit', () => {
  process.stderr.write('rbees-pool: internal error: the command ended without an answer\n');
});

const argv = process.argv.slice(2);
const json = wantsJson(argv);
const io = { stdout: process.stdout, stderr: process.stderr, env: process.env };
const program = agentProgram({ out: createOutput(json), io });
runCli('rbees-pool', program, argv, io, json).then(exitWhenFlushed, (err: unknown) => {
  process.stderr.write(
    `rbees-pool: fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  exitWhenFlushed(1);
});
