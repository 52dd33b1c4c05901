/**
 * Runs one `rbees-pool` command on a host: one SSH session, output streamed line by line as it
 * arrives (stdout to stdout, stderr to stderr), then the remote exit code as ours.
 */
import { RbeesError } from '../../shared/errors';
import { poolCommand, SshSession } from '../ssh';
import type { ConnectionArgs } from './connection-args';
import { exitCodeOf } from './exit-status';
import { hostOptions, registeredConnection } from './host-target';
import { reportError, write } from './output';
import { EXIT } from '../../node/cli/run-cli';

/**
 * The agent is started as `./rbees-pool` inside the agent dir: `exec rbees-pool` alone would look
 * it up on the host's PATH, which a non-interactive SSH session rarely has the agent dir on.
 */
export const AGENT_PROGRAM = './rbees-pool';

/** What to tell the user when the remote shell, not the agent, failed. */
function shellHint(connection: ConnectionArgs, code: number, firstErr: string | null): string {
  const host = connection.name ?? connection.host;
  const where = `${host}:${connection.agentDir}`;
  if (code === 127) {
    return `llorch: ${host}: no rbees-pool in ${connection.agentDir} — install the agent there, or point --agent-dir (or RBEES_AGENT_DIR) at it`;
  }
  if (firstErr !== null && /\bcd\b/.test(firstErr)) {
    return `llorch: ${where} does not exist or is not readable — install the agent there, or point --agent-dir at it`;
  }
  return '';
}

/** The next step after an unknown host key: the flag that trusts it. */
export function hostKeyHint(err: unknown): string | undefined {
  if (!(err instanceof RbeesError) || err.code !== 'SSH_HOSTKEY_UNKNOWN') return undefined;
  const fp = err.details?.fingerprint;
  if (typeof fp !== 'string' || err.details?.confirmed_fingerprint !== undefined) return undefined;
  return `llorch: if that is the host's key, run the command again with --trust-host-key ${fp}`;
}

/** Rejects with CANCELLED when `signal` aborts first. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal, host: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new RbeesError('CANCELLED', `${host}: interrupted`));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export async function runPoolCommand(
  connection: ConnectionArgs,
  agentArgv: string[],
  signal: AbortSignal,
): Promise<number> {
  let session: SshSession | null = null;
  try {
    connection = await registeredConnection(connection);
    session = new SshSession(await hostOptions(connection));
    const connected =
      connection.trustHostKey !== undefined
        ? session.trust(connection.trustHostKey)
        : session.connect();
    await unlessAborted(connected, signal, connection.host);
    const proc = session.exec(poolCommand(connection.agentDir, agentArgv, AGENT_PROGRAM), {
      signal,
    });
    let firstErr: string | null = null;
    for await (const { stream, line } of proc.lines) {
      if (stream === 'stderr') firstErr ??= line;
      await write(stream === 'stdout' ? process.stdout : process.stderr, `${line}\n`);
    }
    const code = exitCodeOf(await proc.exit);
    const hint = code === 0 ? '' : shellHint(connection, code, firstErr);
    if (hint) process.stderr.write(`${hint}\n`);
    return code;
  } catch (err) {
    if (err instanceof RbeesError && err.code === 'CANCELLED') return EXIT.interrupted;
    return reportError(err, connection.json, hostKeyHint(err));
  } finally {
    await session?.close();
  }
}
