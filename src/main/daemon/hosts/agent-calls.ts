import type { z } from 'zod';
import { isErrorCode, RbeesError } from '../../../shared/errors';
import type { ExitStatus } from '../../ssh';
import type { AgentRunner, AgentRunOptions } from './agent-runner';

/**
 * The agent's JSON lines as the daemon reads them: each one parsed with its schema from
 * src/shared where it arrives, so that a line an agent of another version prints (a field
 * renamed, gone, of another type) is AGENT_OUTDATED naming the host, the command and the fix,
 * never an `undefined` found later deep inside scheduling.
 */

/** A parsed agent line: at least its `event` (bare download states are read by agentCall). */
export interface AgentLine {
  readonly event: string;
}

/** The schema of a command's one answer line: an object whose `event` is a literal. */
export type AnswerSchema = z.ZodObject<{ event: z.ZodLiteral<string> }>;

type RawLine = Record<string, unknown>;

/**
 * The agent's lines as they come, each parsed with `schema`. Ends normally only when the
 * command exited 0; otherwise throws the agent's own error (its `{event:"error"}` line, with its
 * code when it is one of ours: a missing model stays NOT_FOUND) or AGENT_FAILED naming the first
 * stderr line. A line `schema` refuses stops the command and throws AGENT_OUTDATED.
 */
export async function* agentLines<S extends z.ZodType>(
  runner: AgentRunner,
  args: readonly string[],
  schema: S,
  options: AgentRunOptions = {},
): AsyncGenerator<z.output<S>> {
  for await (const line of rawLines(runner, args, options)) {
    yield readAgentLine(schema, line, runner.host, args);
  }
}

/** All of a command's lines, once it has succeeded. */
export async function agentCall<S extends z.ZodType>(
  runner: AgentRunner,
  args: readonly string[],
  schema: S,
  options: AgentRunOptions = {},
): Promise<z.output<S>[]> {
  const lines: z.output<S>[] = [];
  for await (const line of agentLines(runner, args, schema, options)) lines.push(line);
  return lines;
}

/**
 * The one line a command answers with (the last with the schema's `event`), parsed; the lines
 * before it (a verify's progress) are not read.
 */
export async function agentAnswer<S extends AnswerSchema>(
  runner: AgentRunner,
  args: readonly string[],
  schema: S,
  options: AgentRunOptions = {},
): Promise<z.output<S>> {
  const event = schema.shape.event.value;
  let answer: RawLine | undefined;
  for await (const line of rawLines(runner, args, options)) {
    if (line.event === event) answer = line;
  }
  if (answer) return readAgentLine(schema, answer, runner.host, args);
  throw outdated(runner.host, args, `it printed no "${event}" line`);
}

/** One line read with its schema; AGENT_OUTDATED naming what does not fit. */
export function readAgentLine<S extends z.ZodType>(
  schema: S,
  line: unknown,
  host: string,
  args: readonly string[],
): z.output<S> {
  const result = schema.safeParse(line);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`);
  throw outdated(host, args, problems.join('; '), problems);
}

function outdated(
  host: string,
  args: readonly string[],
  why: string,
  problems: string[] = [why],
): RbeesError {
  const command = `rbees-pool ${args.join(' ')}`;
  return new RbeesError(
    'AGENT_OUTDATED',
    `${host}: ${command} answered what this daemon cannot read (${why}): the agent there is of ` +
      `another version. Update it with the host's "Update agent" button or ` +
      `\`llorch pool install --host ${host}\`.`,
    { host, command, problems, fix: `llorch pool install --host ${host}` },
  );
}

/** The command's stdout objects but its `error` line; the exit and errors as agentLines says. */
async function* rawLines(
  runner: AgentRunner,
  args: readonly string[],
  options: AgentRunOptions,
): AsyncGenerator<RawLine> {
  // Stopped when the reader leaves early, a line it cannot read included: no command left behind.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const proc = runner.run(args, { ...options, signal });
  const stderr: string[] = [];
  let failure: RawLine | undefined;
  let ended = false;
  try {
    for await (const { stream, line } of proc.lines) {
      if (stream === 'stderr') {
        if (line.trim() !== '' && stderr.length < 20) stderr.push(line);
        continue;
      }
      const value = parseLine(line);
      if (!value) continue;
      if (value.event === 'error') failure = value;
      else yield value;
    }
    ended = true;
  } finally {
    if (!ended) stop.abort();
  }
  const exit = await proc.exit;
  if (exit.code === 0 && !failure) return;
  throw agentError(runner.host, args, exit, failure, stderr);
}

function parseLine(line: string): RawLine | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as RawLine)
      : undefined;
  } catch {
    return undefined; // a launcher's noise is not the agent's answer
  }
}

function agentError(
  host: string,
  args: readonly string[],
  exit: ExitStatus,
  failure: RawLine | undefined,
  stderr: string[],
): RbeesError {
  const command = `rbees-pool ${args.join(' ')}`;
  const details = { host, exit_code: exit.code, ...(exit.signal ? { signal: exit.signal } : {}) };
  if (failure && typeof failure.message === 'string') {
    // A code this daemon does not know (a newer agent's) keeps the agent's message.
    const code = isErrorCode(failure.code) ? failure.code : 'AGENT_FAILED';
    return new RbeesError(code, `${host}: ${failure.message}`, details);
  }
  // 127 is the shell's "command not found": the agent is not where the host says it is.
  const hint =
    exit.code === 127
      ? ` (rbees-pool is not in the agent dir: install it with \`llorch pool install --host ${host}\`)`
      : '';
  const why =
    stderr[0] ??
    (exit.signal
      ? `killed by ${exit.signal}`
      : `exited with ${String(exit.code)} without saying why`);
  return new RbeesError('AGENT_FAILED', `${host}: ${command} failed: ${why}${hint}`, details);
}
