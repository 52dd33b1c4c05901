import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isErrorCode, RbeesError } from '../../../shared/errors';
import { CliCommand, UsageError } from './cli';
import type { Output } from './output';
import { serveLines, type ProgramFor, type ServeReply } from './serve';

/**
 * `rbees-pool serve --stdio` fed generated lines: requests (served or not, overlapping, with
 * repeated ids, commands that print, fail or throw odd values) mixed with lines that are no
 * request at all. Each line gets its answer, each request ends with one exit under its id.
 */

/** A command whose behaviour its first argument picks: how many lines, then how it ends. */
function scripted(name: string, out: Output): CliCommand {
  return new CliCommand(name)
    .summary(name)
    .argument('[script]')
    .runs(async ([script = '']) => {
      const [lines = '0', end = 'ok'] = script.split(':');
      for (let i = 0; i < Number(lines) % 4; i++) {
        if (i % 2 === 1) await Promise.resolve(); // let other requests in between
        out.emit({ event: 'output', stream: 'stdout', line: `${name} ${i}` });
      }
      switch (end) {
        case 'code':
          return 3;
        case 'usage':
          throw new UsageError(`${name}: bad flag`, 'usage');
        case 'rbees':
          throw new RbeesError('NOT_FOUND', `${name}: nothing here`, { what: name });
        case 'error':
          throw new Error(`${name} broke`);
        case 'string':
          throw 'a string'; // eslint-disable-line @typescript-eslint/only-throw-error
        case 'null':
          throw null; // eslint-disable-line @typescript-eslint/only-throw-error
        default:
          return undefined;
      }
    });
}

const ROOT: ProgramFor = (out) =>
  new CliCommand('rbees-pool')
    .option('--json')
    .addCommand(scripted('status', out))
    .addCommand(
      new CliCommand('models').addCommand(scripted('list', out)).addCommand(scripted('rm', out)),
    )
    .addCommand(new CliCommand('worker').addCommand(scripted('list', out)));

const behaviour = fc
  .tuple(
    fc.nat(5),
    fc.constantFrom('ok', 'code', 'usage', 'rbees', 'error', 'string', 'null', 'other'),
  )
  .map(([lines, end]) => `${lines}:${end}`);
const words = fc.oneof(
  fc.constantFrom(['status'], ['models', 'list'], ['worker', 'list'], ['models', 'rm']),
  fc.array(
    fc.constantFrom('status', 'models', 'worker', 'list', 'rm', '--json', '--help', '-h', '', 'x'),
    { maxLength: 3 },
  ),
);
const request = fc.record({
  id: fc.oneof(fc.integer({ min: -3, max: 8 }), fc.maxSafeInteger()),
  args: fc
    .tuple(words, fc.option(behaviour, { nil: undefined }))
    .map(([w, b]) => (b ? [...w, b] : w)),
});
const line = fc.oneof(
  { weight: 4, arbitrary: request.map((r) => JSON.stringify(r)) },
  fc.string({ unit: 'binary' }),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
  fc
    .record(
      { id: fc.jsonValue({ maxDepth: 1 }), args: fc.jsonValue({ maxDepth: 1 }) },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '',
    '   ',
    '{"id":1.5,"args":[]}',
    '{"id":1e300,"args":[]}',
    '{"id":1,"args":[1]}',
  ),
);

/** What a line is to the protocol: a request (its id), nothing (blank) or a bad line. */
function kindOf(raw: string): { id: number } | 'blank' | 'bad' {
  if (raw.trim() === '') return 'blank';
  try {
    const value = JSON.parse(raw) as { id?: unknown; args?: unknown };
    const { id, args } = value ?? {};
    const ok =
      typeof id === 'number' &&
      Number.isSafeInteger(id) &&
      Array.isArray(args) &&
      args.every((a) => typeof a === 'string');
    return ok ? { id } : 'bad';
  } catch {
    return 'bad';
  }
}

async function* from(lines: string[]): AsyncGenerator<string> {
  for (const l of lines) {
    yield l;
    await Promise.resolve();
  }
}

describe('serve --stdio, generated', () => {
  it('answers every line, ends every request once under its id and never throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 12 }), async (lines) => {
        const replies: ServeReply[] = [];
        await serveLines(ROOT, from(lines), (reply) =>
          replies.push(JSON.parse(JSON.stringify(reply)) as ServeReply),
        );
        expect(replies[0]).toMatchObject({ event: 'serving' });
        const kinds = lines.map(kindOf);
        const ids = kinds.flatMap((k) => (typeof k === 'object' ? [k.id] : []));
        const bad = kinds.filter((k) => k === 'bad').length;
        const exits = replies.flatMap((r) => ('exit' in r ? [r.id] : []));
        expect(exits.sort()).toEqual([...ids].sort());
        const nullReplies = replies.filter((r) => 'line' in r && r.id === null);
        expect(nullReplies).toHaveLength(bad);
        for (const reply of replies.slice(1)) {
          if ('exit' in reply) {
            expect(Number.isInteger(reply.exit)).toBe(true);
          } else if ('line' in reply) {
            expect(ids.includes(reply.id as number) || reply.id === null).toBe(true);
            if (reply.line.event === 'error') expect(isErrorCode(reply.line.code)).toBe(true);
          } else throw new Error(`a second announcement: ${JSON.stringify(reply)}`);
        }
        // A request's lines all come before its exit (ids may repeat: count them down).
        const open = new Map<number, number>();
        for (const id of ids) open.set(id, (open.get(id) ?? 0) + 1);
        for (const reply of replies.slice(1)) {
          if (!('id' in reply) || reply.id === null) continue;
          expect(open.get(reply.id) ?? 0).toBeGreaterThan(0);
          if ('exit' in reply) open.set(reply.id, (open.get(reply.id) ?? 0) - 1);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
