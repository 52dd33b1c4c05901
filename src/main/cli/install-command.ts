/**
 * `llorch pool install`: puts the agent on a host over SSH. Only the help and the argument
 * checks live here (they load with `--help`); the installer is imported when the command runs.
 */
import { PLATFORMS, isPlatform } from '../install/platform';
import { CONNECTION_HELP, splitConnectionArgs } from './connection-args';
import { parseCommand, positionals, UsageError } from './router';
import type { Command, RunContext } from './router';

const USAGE = `usage: llorch pool install --host HOST [--platform P] [options]

Installs (or updates) the agent on a host that has Node.js >= 20 and sshd: the built
rbees-pool and rbees-workerd, their npm packages and node-llama-cpp's binaries for the
host's platform, as one tar over SSH into <agent dir>.new, checked there, then swapped in
with a rename (a half install never runs); nothing is sent when the host already has this
version. Ends with \`rbees-pool status\` from the installed dir.

options:
  --platform P             the host's platform (default: from \`uname -sm\` there), one of
                           ${PLATFORMS.join(', ')}

${CONNECTION_HELP}`;

export const INSTALL_COMMAND: Command = {
  kind: 'command',
  name: 'install',
  summary: 'install or update the agent on the host (needs Node.js >= 20 there)',
  usage: USAGE,
  async run(ctx: RunContext): Promise<number> {
    const { connection, rest } = splitConnectionArgs(ctx.argv, USAGE);
    const { values, positionals: extra } = parseCommand(
      rest,
      { platform: { type: 'string' }, force: { type: 'boolean' } },
      USAGE,
    );
    positionals(extra, [], USAGE);
    const platform = values.platform;
    if (platform !== undefined && !isPlatform(platform)) {
      throw new UsageError(`--platform "${platform}" is not one of ${PLATFORMS.join(', ')}`, USAGE);
    }
    const { runInstall } = await import('../install/run');
    return runInstall(connection, { platform, force: values.force ?? false }, ctx.signal);
  },
};
