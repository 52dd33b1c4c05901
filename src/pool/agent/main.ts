/**
 * rbees-pool: the agent CLI the daemon runs on every pool host over SSH (`cd <agent dir> &&
 * rbees-pool …`). Exit 0 only on success; errors go to stderr as `rbees-pool: <message>` and,
 * with --json, also as a final `{"event":"error",…}` line on stdout (the daemon reads stdout).
 */
import { toErrorBody } from '../../shared/errors';
import { HELP_FOOTER, route, UsageError, wantsJson } from './cli/cli';
import { ROOT } from './commands';
import { createOutput } from './cli/output';

/** Exit once stdout has taken everything (it may be an asynchronous pipe). */
function exit(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

async function main(argv: string[]): Promise<number> {
  const out = createOutput(wantsJson(argv));
  try {
    const routed = route(ROOT, argv, HELP_FOOTER);
    if ('help' in routed) {
      process.stdout.write(`${routed.help}\n`);
      return 0;
    }
    return (await routed.command.run(routed.rest, out)) ?? 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`rbees-pool: ${err.message}\n\n${err.usage}\n`);
      out.emit({ event: 'error', code: 'BAD_REQUEST', message: err.message });
      return 2;
    }
    const body = toErrorBody(err);
    process.stderr.write(`rbees-pool: ${body.message}\n`);
    out.emit({
      event: 'error',
      code: body.code,
      message: body.message,
      ...(body.details ? { details: body.details } : {}),
    });
    return 1;
  }
}

// If the event loop drains while a command still awaits something that can no longer happen, Node
// would exit 0: that must read as a failure, never as success.
process.exitCode = 1;
process.once('beforeExit', () => {
  process.stderr.write('rbees-pool: internal error: the command ended without an answer\n');
});

main(process.argv.slice(2)).then(exit, (err: unknown) => {
  process.stderr.write(
    `rbees-pool: fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  exit(1);
});
