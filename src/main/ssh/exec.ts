import type { Client, ClientChannel } from 'ssh2';
import { RbeesError } from '../../shared/errors';
import { LineQueue, LineSplitter } from './line-queue';
import { forLoginShell, quoteDir } from './shell-quote';

/** One line of a remote command's output, without its newline. */
export interface OutputLine {
  stream: 'stdout' | 'stderr';
  line: string;
}

/** How a remote command ended: an exit code, or the signal that killed it (`SIGTERM`). */
export interface ExitStatus {
  code: number | null;
  signal: string | null;
}

/**
 * A command running on a host. `lines` streams stdout and stderr as they arrive and can be read
 * once; `exit` settles when the channel closes. Both fail with an RbeesError: CANCELLED after
 * an abort, SSH_CONNECT_FAILED when the channel cannot open or the connection drops.
 */
export interface RemoteProcess {
  lines: AsyncIterable<OutputLine>;
  exit: Promise<ExitStatus>;
}

export interface ExecOptions {
  /** Aborting sends TERM to the remote command and closes its channel. */
  signal?: AbortSignal;
  /** Runs the command in this directory (`~/…` allowed). */
  cwd?: string;
}

/** Starts `command` on a new channel of the connection that `client()` yields. */
export function execOnClient(
  client: () => Promise<Client>,
  hostName: string,
  command: string,
  options: ExecOptions = {},
): RemoteProcess {
  const full = options.cwd === undefined ? command : `cd ${quoteDir(options.cwd)} && ${command}`;
  let channel: ClientChannel | null = null;
  let settled = false;
  let status: ExitStatus | null = null;
  const queue = new LineQueue<OutputLine>((pause) => {
    if (pause) {
      channel?.pause();
      channel?.stderr.pause();
    } else {
      channel?.resume();
      channel?.stderr.resume();
    }
  });
  let resolveExit: (s: ExitStatus) => void = () => undefined;
  let rejectExit: (e: RbeesError) => void = () => undefined;
  const exit = new Promise<ExitStatus>((resolve, reject) => {
    resolveExit = resolve;
    rejectExit = reject;
  });
  // A caller that reads only `lines` must not get an unhandled rejection from `exit`.
  exit.catch(() => undefined);

  const fail = (err: RbeesError): void => {
    if (settled) return;
    settled = true;
    options.signal?.removeEventListener('abort', onAbort);
    queue.end(err);
    rejectExit(err);
  };
  const finish = (s: ExitStatus): void => {
    if (settled) return;
    settled = true;
    options.signal?.removeEventListener('abort', onAbort);
    queue.end();
    resolveExit(s);
  };
  const cancelled = (): RbeesError =>
    new RbeesError('CANCELLED', `${hostName}: \`${command}\` was cancelled`);
  function onAbort(): void {
    if (channel) {
      // TERM first (the channel close that follows would leave the command running), then close.
      channel.signal('TERM');
      channel.close();
    }
    fail(cancelled());
  }

  const attach = (ch: ClientChannel): void => {
    channel = ch;
    const out = new LineSplitter();
    const err = new LineSplitter();
    ch.on('data', (chunk: Buffer) => {
      for (const line of out.push(chunk)) queue.push({ stream: 'stdout', line });
    });
    ch.stderr.on('data', (chunk: Buffer) => {
      for (const line of err.push(chunk)) queue.push({ stream: 'stderr', line });
    });
    ch.on('exit', (code: number | null, signal?: string) => {
      status = signal ? { code: null, signal } : { code: code ?? null, signal: null };
    });
    ch.on('close', () => {
      for (const line of out.end()) queue.push({ stream: 'stdout', line });
      for (const line of err.end()) queue.push({ stream: 'stderr', line });
      if (status) finish(status);
      else
        fail(
          new RbeesError(
            'SSH_CONNECT_FAILED',
            `${hostName}: the connection was lost while \`${command}\` was running; its outcome is unknown`,
          ),
        );
    });
  };

  const start = async (): Promise<void> => {
    if (options.signal?.aborted) return fail(cancelled());
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const c = await client();
    if (settled) return;
    // Messages quote `command`, the script as written, never the encoded form sent.
    c.exec(forLoginShell(full), (err, ch) => {
      if (err) {
        fail(
          new RbeesError(
            'SSH_CONNECT_FAILED',
            `${hostName}: could not start \`${command}\`: ${err.message}`,
          ),
        );
        return;
      }
      if (settled) {
        // Aborted while the channel was opening.
        ch.signal('TERM');
        ch.close();
        return;
      }
      attach(ch);
    });
  };
  start().catch((err: unknown) => {
    fail(
      err instanceof RbeesError
        ? err
        : new RbeesError(
            'SSH_CONNECT_FAILED',
            `${hostName}: could not start \`${command}\`: ${String(err)}`,
          ),
    );
  });
  return { lines: queue, exit };
}

/**
 * Starts `command` on a new channel and hands the channel over as is, stdin included, for a
 * conversation with a long-lived remote process. The caller owns the channel and closes it.
 */
export async function openExecChannel(
  client: () => Promise<Client>,
  hostName: string,
  command: string,
): Promise<ClientChannel> {
  const c = await client();
  return new Promise((resolve, reject) => {
    c.exec(forLoginShell(command), (err, ch) => {
      if (err) {
        reject(
          new RbeesError(
            'SSH_CONNECT_FAILED',
            `${hostName}: could not start \`${command}\`: ${err.message}`,
          ),
        );
      } else resolve(ch);
    });
  });
}
