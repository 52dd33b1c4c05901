/**
 * `llorch pool install`: puts the agent on a host over SSH. Only the help and the argument
 * checks live here (they load with `--help`); the installer is imported when the command runs.
 */
import { CliCommand, UsageError } from '../../node/cli/cli-command';
import { PLATFORMS, isPlatform, type Platform } from '../install/platform';
import { connectionOf, withConnectionOptions, type ConnectionOptions } from './connection-args';
import type { CtlContext } from './context';

function platform(raw: string): Platform {
  if (!isPlatform(raw))
    throw new UsageError(`--platform "${raw}" is not one of ${PLATFORMS.join(', ')}`);
  return raw;
}

export function installCommand(ctx: CtlContext): CliCommand {
  const cmd = new CliCommand('install')
    .summary('install or update the agent on the host (needs Node.js >= 20 there)')
    .usage('--host HOST [--platform P] [options]')
    .description(
      'Installs (or updates) the agent on a host that has Node.js >= 20 and sshd: the built ' +
        "rbees-pool and rbees-workerd, their npm packages and node-llama-cpp's binaries for the " +
        "host's platform, as one tar over SSH into <agent dir>.new, checked there, then swapped in " +
        'with a rename (a half install never runs); nothing is sent when the host already has this ' +
        'version. Ends with `rbees-pool status` from the installed dir.',
    )
    .option(
      '--platform <P>',
      `the host's platform (default: from \`uname -sm\` there), one of ${PLATFORMS.join(', ')}`,
      platform,
    )
    .option('--force', 'send the agent even when the host already has this version');
  return withConnectionOptions(cmd).runs<
    ConnectionOptions & { platform?: Platform; force?: boolean }
  >(async (_args, options) => {
    const connection = connectionOf(options, ctx.env);
    const flags = { platform: options.platform, force: options.force ?? false };
    const run =
      ctx.runInstall ?? (async (...a) => (await import('../install/run')).runInstall(...a));
    return run(connection, flags, ctx.signal);
  });
}
