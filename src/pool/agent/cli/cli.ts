/**
 * What every `rbees-pool` command is built with: the program's root (its name, `--json`, the
 * closing remark of its help) and the context a command writes to. The tree itself is in
 * ../commands.ts; each command's code is imported only when it runs, so `--help` loads little.
 */
import { CliCommand } from '../../../node/cli/cli-command';
import type { CliIo } from '../../../node/cli/run-cli';
import type { Output } from './output';

export { CliCommand, UsageError } from '../../../node/cli/cli-command';

/** Where a command's results go and what it reads from its process. */
export interface AgentContext {
  out: Output;
  io: AgentIo;
}

export interface AgentIo extends CliIo {
  env: Record<string, string | undefined>;
  /** Aborts a foreground download (wire it to SIGINT); the partial is kept. */
  signal?: AbortSignal;
  /** argv running `rbees-pool models download` for --detach (default: this program again). */
  detachCommand?: readonly string[];
}

/** The options a command's action gets besides its own: the program's. */
export interface GlobalOptions {
  json?: boolean;
}

/** `rbees-pool` with no commands yet. */
export function agentRoot(): CliCommand {
  return new CliCommand('rbees-pool')
    .description('rbees pool agent: run by the rbees daemon over SSH on every pool host.')
    .option('--json', 'one JSON object per line on stdout')
    .helpFooter(
      'With --json every command prints one JSON object per line and ends with its\n' +
        'result line or {"event":"error",…}. `rbees-pool <command> --help` shows a\n' +
        "command's options.",
    );
}
