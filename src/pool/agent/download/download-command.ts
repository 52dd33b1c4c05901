/**
 * `rbees-pool models download`: its options and help, apart from the downloader so that the
 * CLI can show them without loading it. The action is handed in (see models-command.ts and
 * command.ts), so this file imports nothing of the download itself.
 */
import { Option } from 'commander';
import { CliCommand } from '../../../node/cli/cli-command';

/** A parsed `models download` command line; `refs` has every positional given. */
export interface DownloadRequest {
  refs: string[];
  json: boolean;
  detach: boolean;
  attach?: string;
  list: boolean;
  cancel?: string;
  modelsDir?: string;
  /** Internal: this process is the detached child with this id. */
  runId?: string;
}

interface DownloadOptions {
  json?: boolean;
  detach?: boolean;
  attach?: string;
  list?: boolean;
  cancel?: string;
  modelsDir?: string;
  runId?: string;
}

export function downloadCommand(run: (request: DownloadRequest) => Promise<number>): CliCommand {
  return (
    new CliCommand('download')
      .summary('download a model from Hugging Face (resumable, verified)')
      .usage('<ref> | --attach ID | --list | --cancel ID [options]')
      .description(
        'Downloads a model into $RBEES_HOME/models (~/.rbees/models), resuming a partial file and ' +
          'checking its SHA-256. With --json: start, progress…, then done or error, one a line.',
      )
      .argument('[ref]', 'tinyllama | hf:org/repo[@rev]::file=NAME.gguf | org/repo[@rev]:QUANT')
      // "Give exactly one of …" names the mistake better than "unexpected argument".
      .allowExcessArguments()
      .option(
        '--detach',
        'run in the background (survives the SSH session); prints the download id',
      )
      .option('--attach <ID>', 'follow a detached download until it ends')
      .option('--list', 'detached downloads and their states')
      .option('--cancel <ID>', 'stop a detached download (its partial file is kept for a resume)')
      .option('--models-dir <DIR>', 'default $RBEES_HOME/models (~/.rbees/models)')
      .addOption(new Option('--run-id <ID>').hideHelp())
      .helpFooter(
        'Environment: HF_ENDPOINT (default https://huggingface.co), HF_TOKEN (private or\n' +
          'gated repos; else the token file of huggingface-cli login,\n' +
          '~/.cache/huggingface/token).',
      )
      .runs<DownloadOptions>(async (_args, options, cmd) =>
        run({
          refs: cmd.args,
          json: options.json === true,
          detach: options.detach === true,
          list: options.list === true,
          ...(options.attach !== undefined ? { attach: options.attach } : {}),
          ...(options.cancel !== undefined ? { cancel: options.cancel } : {}),
          ...(options.modelsDir !== undefined ? { modelsDir: options.modelsDir } : {}),
          ...(options.runId !== undefined ? { runId: options.runId } : {}),
        }),
      )
  );
}
