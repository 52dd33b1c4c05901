import { once } from 'node:events';
import { errorLine, EXIT } from '../../node/cli/run-cli';

/** Writes and waits when the stream's buffer is full (a slow pipe must slow the remote side). */
export async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/**
 * Reports a failure of ours (not of the remote command): `llorch: <message>` on stderr and, with
 * --json, a final `{"event":"error",…}` line on stdout in the agent's shape, so a script reading
 * stdout sees one format whoever failed. Returns the exit code to use.
 */
export function reportError(err: unknown, json: boolean, hint?: string): number {
  const line = errorLine(err);
  process.stderr.write(`llorch: ${line.message}\n${hint ? `${hint}\n` : ''}`);
  if (json) {
    const message = hint ? `${line.message} ${hint}` : line.message;
    process.stdout.write(`${JSON.stringify({ ...line, message })}\n`);
  }
  if (line.code === 'CANCELLED') return EXIT.interrupted;
  return line.code.startsWith('SSH_') ? EXIT.ssh : EXIT.failure;
}
