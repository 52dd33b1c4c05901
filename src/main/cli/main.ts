/**
 * rbees-ctl (alias llorch): the operator CLI. `pool …` runs rbees-pool on a host over SSH; `infer`
 * streams a generation from the daemon. Pure Node (no electron). Only the command tree loads
 * eagerly; SSH, the SDK and the rest load when a command runs, so `--help` starts fast.
 */
import { toErrorBody } from '../../shared/errors';
import { ROOT } from './commands';
import { EXIT, route, UsageError, wantsJson } from './router';

/** Exit once stdout has taken everything (it may be an asynchronous pipe). */
function exit(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

async function main(argv: string[]): Promise<number> {
  const json = wantsJson(argv);
  const controller = new AbortController();
  // First Ctrl-C: abort the remote command or job cleanly; a second one: leave at once.
  process.once('SIGINT', () => {
    controller.abort();
    process.once('SIGINT', () => process.exit(EXIT.interrupted));
  });
  try {
    const routed = route(ROOT, argv);
    if ('help' in routed) {
      process.stdout.write(`${routed.help}\n`);
      return EXIT.ok;
    }
    const usage = routed.command.usage;
    return await routed.command.run({ argv: routed.rest, usage, signal: controller.signal });
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`llorch: ${err.message}\n\n${err.usage}\n`);
      if (json) {
        const line = { event: 'error', code: 'BAD_REQUEST', message: err.message };
        process.stdout.write(`${JSON.stringify(line)}\n`);
      }
      return EXIT.usage;
    }
    const body = toErrorBody(err);
    process.stderr.write(`llorch: ${body.message}\n`);
    return EXIT.failure;
  }
}

main(process.argv.slice(2)).then(exit, (err: unknown) => {
  process.stderr.write(
    `llorch: fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  exit(EXIT.failure);
});
