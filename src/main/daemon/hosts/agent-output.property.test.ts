import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import type { Client, ClientChannel } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { isErrorCode, RbeesError } from '../../../shared/errors';
import type { SshSession } from '../../ssh';
import { execOnClient, openExecChannel } from '../../ssh/exec';
import { z } from 'zod';
import { agentAnswer, agentLines } from './agent-calls';
import { remoteAgent } from './agent-runner';

/**
 * The daemon's side of a pool host's agent, fed generated output: whatever a broken, old or
 * hostile `rbees-pool` prints (on the `serve --stdio` channel or on a plain exec), the daemon
 * neither throws out of an SSH data handler (ssh2 then drops the host's whole connection) nor
 * hangs, and a call ends with the agent's lines or an RbeesError with one of our codes.
 *
 * Only the SSH client is a stand-in (channels that play a script); the exec, the line splitting,
 * the serve protocol and the agent runner are the real ones.
 */

/** What one channel prints: chunks of stdout and stderr, then how it exits (or not), then close. */
interface Script {
  out: readonly Uint8Array[];
  err: readonly Uint8Array[];
  exit: { code: number | null; signal?: string } | null;
}

class ScriptedChannel extends EventEmitter {
  readonly stderr = Object.assign(new EventEmitter(), { resume() {}, pause() {} });
  private closed = false;

  constructor(
    private readonly script: Script,
    private readonly thrown: unknown[],
    startOnWrite: boolean,
  ) {
    super();
    if (!startOnWrite) setImmediate(() => this.play());
  }

  write(_data: string): boolean {
    setImmediate(() => this.play());
    return true;
  }

  private played = false;
  private play(): void {
    if (this.played) return;
    this.played = true;
    // A throw here is thrown inside ssh2's packet handler, which drops the connection.
    const emit = (target: EventEmitter, event: string, ...args: unknown[]) => {
      if (this.closed && event !== 'close') return;
      try {
        target.emit(event, ...args);
      } catch (err) {
        this.thrown.push(err);
      }
    };
    for (const chunk of this.script.out) emit(this, 'data', Buffer.from(chunk));
    for (const chunk of this.script.err) emit(this.stderr, 'data', Buffer.from(chunk));
    if (this.script.exit) emit(this, 'exit', this.script.exit.code, this.script.exit.signal);
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    setImmediate(() => this.emit('close'));
  }
  end(): void {
    this.close();
  }
  signal(): void {}
  pause(): void {}
  resume(): void {}
}

/** An SSH session whose channels play scripts: `serve` for the serve channel, `exec` otherwise. */
function scriptedSession(serve: Script, exec: Script, thrown: unknown[]): SshSession {
  const client = {
    exec(command: string, callback: (err: Error | undefined, ch: ClientChannel) => void) {
      const served = command.includes('--stdio');
      const channel = new ScriptedChannel(served ? serve : exec, thrown, served);
      callback(undefined, channel as unknown as ClientChannel);
    },
  } as unknown as Client;
  const connection = async () => client;
  return {
    host: { name: 'h' },
    connection,
    exec: (command: string, options?: object) => execOnClient(connection, 'h', command, options),
    openChannel: (command: string) => openExecChannel(connection, 'h', command),
  } as unknown as SshSession;
}

const encoder = new TextEncoder();
const STATUS = { event: 'status', os: 'linux' };
const json = fc.jsonValue({ maxDepth: 2 });
const code = fc.oneof(fc.constantFrom('NOT_FOUND', 'AGENT_FAILED', 'BAD_REQUEST'), fc.string());
const agentLine = fc.oneof(
  fc.constant({ event: 'serving', commands: ['status', 'models list', 'worker list'] }),
  fc.record({ event: fc.constantFrom('status', 'models', 'workers'), workers: json }),
  fc.record({ event: fc.constant('error'), code, message: fc.oneof(fc.string(), json) }),
  fc.record({ event: fc.constant('error'), code, message: fc.constant('serve: not served') }),
  json,
);
const id = fc.oneof(fc.constant(1), fc.constantFrom(0, 2, '1', null));
const serveLine = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ event: 'serving', commands: ['status'] }) },
  { weight: 3, arbitrary: fc.record({ id, line: fc.oneof(fc.constant(STATUS), agentLine) }) },
  {
    weight: 2,
    arbitrary: fc.record({ id, exit: fc.oneof(fc.integer({ min: -1, max: 3 }), json) }),
  },
  json,
);
const text = (line: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 4, arbitrary: line.map((value) => JSON.stringify(value)) },
    fc.string({ unit: 'binary' }),
    fc.constantFrom('null', '5', '"x"', '[]', 'true', '{', '\u0000', '\r'),
  );

/** Lines joined and cut anywhere into chunks, with now and then bytes that are no UTF-8. */
function chunks(lines: fc.Arbitrary<string[]>): fc.Arbitrary<Uint8Array[]> {
  return fc
    .tuple(lines, fc.constantFrom('\n', '\r\n'), fc.array(fc.nat(), { maxLength: 4 }), fc.boolean())
    .map(([texts, eol, cuts, junk]) => {
      const bytes = encoder.encode(texts.map((l) => l + eol).join(''));
      const all = junk ? Uint8Array.from([...bytes, 0xff, 0xc3]) : bytes;
      const points = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
      return [0, ...points].map((from, i) => all.subarray(from, [...points, all.length][i]));
    });
}

/** Mostly a well-formed answer (so that success is reached too) with noise in between. */
function answer(first: unknown, line: fc.Arbitrary<unknown>, last: unknown) {
  return fc
    .tuple(fc.boolean(), fc.array(text(line), { maxLength: 5 }), fc.boolean())
    .map(([opens, middle, closes]) => [
      ...(opens ? [JSON.stringify(first)] : []),
      ...middle,
      ...(closes ? [JSON.stringify(last)] : []),
    ]);
}

const serveScript = fc.record({
  out: chunks(answer({ event: 'serving', commands: ['status'] }, serveLine, { id: 1, exit: 0 })),
  err: fc.constant([]),
  exit: fc.constant(null),
});
const execScript = fc.record({
  out: chunks(answer(STATUS, agentLine, STATUS)),
  err: fc.array(
    fc.string().map((s) => encoder.encode(`${s}\n`)),
    { maxLength: 1 },
  ),
  exit: fc.oneof(
    { weight: 3, arbitrary: fc.constant({ code: 0 }) },
    fc.constant(null),
    fc.record(
      {
        code: fc.option(fc.integer({ min: 0, max: 255 })),
        signal: fc.constantFrom('TERM', 'KILL'),
      },
      { requiredKeys: ['code'] },
    ),
  ),
});

const ARGS = [['status'], ['models', 'list'], ['worker', 'list'], ['models', 'rm', 'x']];
/** Any `status` line, and any object at all: what the daemon gets past its line reading. */
const STATUS_LINE = z.looseObject({ event: z.literal('status') });
const ANY_LINE = z.looseObject({});

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not end (a hang)`)), 5_000);
  });
  return Promise.race([promise, hang]).finally(() => clearTimeout(timer));
}

async function outcome(run: () => Promise<unknown[]>): Promise<unknown[] | RbeesError> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof RbeesError) return err;
    throw err;
  }
}

describe("an agent's output, generated", () => {
  it('never throws out of an SSH handler or hangs; a call ends with lines or a coded error', async () => {
    await fc.assert(
      fc.asyncProperty(
        serveScript,
        execScript,
        fc.constantFrom(...ARGS),
        fc.boolean(),
        async (serve, exec, args, answer) => {
          const thrown: unknown[] = [];
          const runner = remoteAgent('h', scriptedSession(serve, exec, thrown), '/agent');
          const result = await withTimeout(
            outcome(async () => {
              if (answer) return [await agentAnswer(runner, args, STATUS_LINE)];
              const lines: unknown[] = [];
              for await (const line of agentLines(runner, args, ANY_LINE)) lines.push(line);
              return lines;
            }),
            `rbees-pool ${args.join(' ')}`,
          );
          expect(thrown).toEqual([]);
          if (result instanceof RbeesError) {
            expect(isErrorCode(result.code)).toBe(true);
            expect(result.message).toMatch(/^h: /);
          } else {
            for (const line of result) {
              expect(typeof line === 'object' && line !== null && !Array.isArray(line)).toBe(true);
              expect((line as { event?: unknown }).event).not.toBe('error');
            }
          }
        },
      ),
      { numRuns: 800 },
    );
  });

  it('survives a serve channel that prints null (regression: a TypeError dropped the connection)', async () => {
    for (const first of ['null', '{"event":"serving","commands":[]}\nnull']) {
      const thrown: unknown[] = [];
      const serve: Script = { out: [encoder.encode(`${first}\n`)], err: [], exit: null };
      const exec: Script = {
        out: [encoder.encode('{"event":"status","os":"linux"}\n')],
        err: [],
        exit: { code: 0 },
      };
      const runner = remoteAgent('h', scriptedSession(serve, exec, thrown), '/agent');
      await expect(agentAnswer(runner, ['status'], STATUS_LINE)).resolves.toMatchObject({
        os: 'linux',
      });
      expect(thrown).toEqual([]);
    }
  });
});
