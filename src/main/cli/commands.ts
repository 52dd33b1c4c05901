import { CliCommand } from '../../node/cli/cli-command';
import type { CtlContext } from './context';
import { inferCommand } from './infer-command';
import { installCommand } from './install-command';
import { poolCommand } from './pool-commands';

/** The whole `llorch` program; every module it imports is light (help text and argument checks). */
export function ctlProgram(ctx: CtlContext): CliCommand {
  return new CliCommand('llorch')
    .description(
      'rbees-ctl (llorch): control rbees pool hosts over SSH and run inference on the daemon.',
    )
    .option(
      '--json',
      'one JSON object per line on stdout (pool: as rbees-pool prints them; infer: every event)',
    )
    .addCommand(poolCommand(ctx).addCommand(installCommand(ctx)))
    .addCommand(inferCommand(ctx));
}
