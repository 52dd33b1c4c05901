import { describe, expect, it } from 'vitest';
import { RbeesError } from '../../../shared/errors';
import { CliCommand } from './cli';
import type { Output } from './output';
import { serveLines, type ProgramFor, type ServeReply } from './serve';

function command(name: string, run: (out: Output) => Promise<void>, out: Output): CliCommand {
  return new CliCommand(name).summary(name).runs(() => run(out));
}

let release: () => void = () => undefined;
const ROOT: ProgramFor = (out) =>
  new CliCommand('rbees-pool')
    .option('--json')
    .addCommand(
      command(
        'status',
        async (o) => {
          // Held until the next request has been answered: requests overlap.
          await new Promise<void>((resolve) => (release = resolve));
          o.emit({ event: 'output', stream: 'stdout', line: 'status' });
        },
        out,
      ),
    )
    .addCommand(
      new CliCommand('models')
        .addCommand(
          command(
            'list',
            (o) => {
              o.text('people only');
              o.emit({ event: 'models', models_dir: '/m', models: [] });
              release();
              return Promise.resolve();
            },
            out,
          ),
        )
        .addCommand(
          command('rm', () => Promise.reject(new Error('must not run')), out).argument('<id>'),
        ),
    )
    .addCommand(
      new CliCommand('worker').addCommand(
        command('list', () => Promise.reject(new RbeesError('NOT_FOUND', 'no workers dir')), out),
      ),
    );

async function* from(lines: string[]): AsyncGenerator<string> {
  for (const line of lines) yield line;
}

async function serve(lines: string[]): Promise<ServeReply[]> {
  const replies: ServeReply[] = [];
  await serveLines(ROOT, from(lines), (reply) => replies.push(reply));
  return replies;
}

describe('serveLines', () => {
  it('announces itself, answers overlapping requests by id and ends with their exits', async () => {
    const replies = await serve([
      JSON.stringify({ id: 1, args: ['status', '--json'] }),
      JSON.stringify({ id: 2, args: ['models', 'list'] }),
    ]);
    expect(replies[0]).toEqual({
      event: 'serving',
      commands: ['status', 'models list', 'worker list'],
    });
    const models = { id: 2, line: { event: 'models', models_dir: '/m', models: [] } };
    const status = { id: 1, line: { event: 'output', stream: 'stdout', line: 'status' } };
    expect(replies).toHaveLength(5);
    expect(replies).toContainEqual({ id: 1, exit: 0 });
    expect(replies).toContainEqual({ id: 2, exit: 0 });
    // Request 1 was still running when request 2 was answered.
    expect(replies.findIndex((r) => JSON.stringify(r) === JSON.stringify(models))).toBe(1);
    expect(replies.findIndex((r) => JSON.stringify(r) === JSON.stringify(status))).toBeGreaterThan(
      1,
    );
    expect(replies.at(-1)).toEqual({ id: 1, exit: 0 });
  });

  it('refuses commands it does not serve, and help, without running them', async () => {
    const replies = await serve([
      JSON.stringify({ id: 3, args: ['models', 'rm', 'x'] }),
      JSON.stringify({ id: 4, args: ['nope'] }),
      JSON.stringify({ id: 5, args: ['status', '--help'] }),
    ]);
    for (const id of [3, 4, 5]) {
      const line = replies.find((r) => 'line' in r && r.id === id);
      expect(line).toMatchObject({ line: { event: 'error', code: 'BAD_REQUEST' } });
      expect(replies).toContainEqual({ id, exit: 2 });
    }
    expect(JSON.stringify(replies)).toContain('serve: \\"models rm x\\" is not served');
  });

  it('answers a failing command with its error line and exit 1', async () => {
    const replies = await serve([JSON.stringify({ id: 6, args: ['worker', 'list'] })]);
    expect(replies.slice(1)).toEqual([
      { id: 6, line: { event: 'error', code: 'NOT_FOUND', message: 'no workers dir' } },
      { id: 6, exit: 1 },
    ]);
  });

  it('reports malformed requests with id null and keeps serving', async () => {
    const replies = await serve(['not json', '{"id":"x","args":[]}', '{"id":7,"args":"status"}']);
    expect(replies.slice(1)).toHaveLength(3);
    for (const reply of replies.slice(1)) {
      expect(reply).toMatchObject({ id: null, line: { event: 'error', code: 'BAD_REQUEST' } });
    }
  });
});
