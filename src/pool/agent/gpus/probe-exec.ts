import { execFile } from 'node:child_process';

/** A hung driver tool must not hang `status`: each probe gets this long. */
export const PROBE_TIMEOUT_MS = 5000;

export type ProbeRun =
  | { status: 'ok'; stdout: string }
  | { status: 'absent' }
  | { status: 'failed' | 'timeout'; message: string };

/**
 * Runs a read-only vendor tool. A missing binary is `absent` (most hosts have no AMD or Apple
 * GPU), not an error; a non-zero exit or a timeout is reported with the tool's own words.
 */
export function runProbe(
  file: string,
  args: readonly string[],
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<ProbeRun> {
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err === null) return resolve({ status: 'ok', stdout });
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return resolve({ status: 'absent' });
        if (err.killed) {
          return resolve({
            status: 'timeout',
            message: `${file}: no answer within ${timeoutMs} ms`,
          });
        }
        const said = (stderr.trim() || stdout.trim()).split('\n')[0] ?? '';
        resolve({ status: 'failed', message: `${file}: ${said || err.message}` });
      },
    );
  });
}
