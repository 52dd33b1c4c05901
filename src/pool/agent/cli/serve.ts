/**
 * `rbees-pool serve --stdio`: one long-lived agent per SSH session for the daemon's short,
 * read-only commands, so each call costs a channel message instead of starting Node (~100 ms).
 * Protocol, one JSON object per line each way:
 *   in:  {"id":1,"args":["status"]}
 *   out: {"event":"serving","commands":[…]} once at start (tells a serving agent from an older
 *        one), then per request {"id":1,"line":{…}} for each line the command prints and
 *        {"id":1,"exit":0} last. Requests may overlap; answers carry their id.
 * It exits when stdin ends (the SSH channel closed), so nothing outlives the session.
 */
import { errorLine, parseCli } from '../../../node/cli/run-cli';
import type { AgentLine } from '../../../shared/agent-lines';
import { UsageError, type CliCommand } from './cli';
import type { Output } from './output';

/** The agent's command tree, built for one request's output. */
export type ProgramFor = (out: Output) => CliCommand;

/** Read-only and short: the only commands worth keeping a process for. */
export const SERVED_COMMANDS: readonly string[] = ['status', 'models list', 'worker list'];

export type ServeReply =
  | { event: 'serving'; commands: readonly string[] }
  | { id: number | null; line: AgentLine }
  | { id: number; exit: number };

/** Answers every request line from `input`; resolves when input ends and answers are written. */
export async function serveLines(
  programFor: ProgramFor,
  input: AsyncIterable<string>,
  write: (reply: ServeReply) => void,
): Promise<void> {
  write({ event: 'serving', commands: SERVED_COMMANDS });
  const running = new Set<Promise<void>>();
  for await (const raw of input) {
    if (raw.trim() === '') continue;
    const request = parseRequest(raw);
    if ('error' in request) {
      write({ id: null, line: { event: 'error', code: 'BAD_REQUEST', message: request.error } });
      continue;
    }
    const task = answer(programFor, request.id, request.args, write).finally(() =>
      running.delete(task),
    );
    running.add(task);
  }
  await Promise.all(running);
}

async function answer(
  programFor: ProgramFor,
  id: number,
  args: string[],
  write: (reply: ServeReply) => void,
): Promise<void> {
  const out: Output = {
    json: true,
    emit: (line) => write({ id, line }),
    text: () => undefined,
  };
  const notServed = () =>
    new UsageError(
      `serve: "${args.join(' ')}" is not served (only ${SERVED_COMMANDS.join(', ')}); run it as its own rbees-pool command`,
    );
  const program = programFor(out);
  // Checked once the words are parsed, before the command runs.
  program.hook('preAction', (_root, command) => {
    const words = (command as CliCommand).path().split(' ').slice(1).join(' ');
    if (!SERVED_COMMANDS.includes(words)) throw notServed();
  });
  let code: number;
  try {
    const outcome = await parseCli(program, args);
    if (outcome.kind === 'help') throw notServed();
    if (outcome.kind === 'usage') throw outcome.error;
    code = outcome.code;
  } catch (err) {
    out.emit(errorLine(err));
    code = err instanceof UsageError ? 2 : 1;
  }
  write({ id, exit: code });
}

function parseRequest(raw: string): { id: number; args: string[] } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { error: `serve: not a JSON request: ${raw.slice(0, 80)}` };
  }
  if (typeof value !== 'object' || value === null) return { error: 'serve: not a request object' };
  const { id, args } = value as { id?: unknown; args?: unknown };
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
    return { error: 'serve: a request needs a whole-number "id"' };
  }
  if (!Array.isArray(args) || !args.every((a): a is string => typeof a === 'string')) {
    return { error: `serve: request ${id} needs "args", an array of strings` };
  }
  return { id, args: args.filter((a) => a !== '--json') };
}

/** Runs the protocol on this process's stdin/stdout; returns once stdin ends. */
export async function serveStdio(programFor: ProgramFor): Promise<number> {
  const { createInterface } = await import('node:readline');
  // The daemon went away mid-answer (EPIPE): nobody is left to answer.
  process.stdout.on('error', () => process.exit(0));
  const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
  await serveLines(programFor, input, (reply) =>
    process.stdout.write(`${JSON.stringify(reply)}\n`),
  );
  return 0;
}
