import { fileURLToPath } from 'node:url';
import { version } from '../../../package.json';
import { RbeesError } from '../../shared/errors';
import { resolveConfig } from './config';
import { startDaemon } from './daemon';

/** `rbees-orcd` / `npm run serve`: the daemon and the UI for a browser, until SIGINT or SIGTERM. */
async function main(): Promise<void> {
  // import.meta.url of this entry file, not of a shared chunk: the bundle's folder.
  const bundleDir = fileURLToPath(new URL('.', import.meta.url));
  const daemon = await startDaemon({ config: resolveConfig(), bundleDir, version });
  process.stdout.write(
    `rbees-orcd listening on ${daemon.url}\n` + `Open the UI: ${daemon.openUrl}\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`rbees-orcd: ${signal}, stopping workers…\n`);
    daemon.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`rbees-orcd: error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  const message = err instanceof RbeesError ? err.message : String(err);
  process.stderr.write(`rbees-orcd: ${message}\n`);
  process.exit(1);
});
