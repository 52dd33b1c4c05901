import { describe, expect, it, vi } from 'vitest';
import { RbeesError } from '../../../shared/errors';
import { LineQueue } from '../../ssh';
import type { ExitStatus, OutputLine } from '../../ssh';
import { AgentFollowers } from './agent-followers';
import type { AgentLine } from '../../../shared/agent-lines';
import type { AgentRunner } from './agent-runner';
import { workerLogFollow } from './follows';

/** A host whose agent commands the test writes to by hand: one `Command` per run. */
function fakeHost(host = 'gpu1') {
  const runs: { args: readonly string[]; out: LineQueue<OutputLine>; stopped: boolean }[] = [];
  const exits: ((status: ExitStatus) => void)[] = [];
  const runner: AgentRunner = {
    host,
    run(args, options = {}) {
      const out = new LineQueue<OutputLine>();
      const run = { args, out, stopped: false };
      runs.push(run);
      const exit = new Promise<ExitStatus>((resolve) => exits.push(resolve));
      options.signal?.addEventListener('abort', () => {
        run.stopped = true;
        out.end(new RbeesError('CANCELLED', 'stopped'));
      });
      return { lines: out, exit };
    },
  };
  const say = (i: number, line: AgentLine): void =>
    runs[i]?.out.push({ stream: 'stdout', line: JSON.stringify(line) });
  const end = (i: number, code = 0): void => {
    runs[i]?.out.end();
    exits[i]?.({ code, signal: null });
  };
  return { runner, runs, say, end };
}

const log = (line: string): AgentLine => ({ event: 'log', id: 'w1', line });

async function take(lines: AsyncGenerator<AgentLine>, n: number): Promise<string[]> {
  const got: string[] = [];
  while (got.length < n) {
    const next = await lines.next();
    if (next.done) break;
    got.push('line' in next.value ? next.value.line : next.value.event);
  }
  return got;
}

describe('AgentFollowers', () => {
  it('shares one agent command among readers; each gets the backlog it asked for', async () => {
    const host = fakeHost();
    const followers = new AgentFollowers({ perHost: 2 });
    const stop = new AbortController();
    const first = followers.join(workerLogFollow(host.runner, 'w1'), { backlog: 1 });
    const firstLines = first.lines(stop.signal);
    host.say(0, log('a'));
    host.say(0, log('b'));
    host.say(0, { event: 'logs_live', id: 'w1' });
    expect(await take(firstLines, 1)).toEqual(['b']); // its 1 line of the tail, not the whole
    host.say(0, log('c'));
    // The first reader has it, so the backlog has it too: the second joins after 'c'.
    expect(await take(firstLines, 1)).toEqual(['c']);
    const second = followers.join(workerLogFollow(host.runner, 'w1'), { backlog: 2 });
    const secondLines = second.lines(stop.signal);
    host.say(0, log('d'));
    expect(await take(firstLines, 1)).toEqual(['d']);
    expect(await take(secondLines, 3)).toEqual(['b', 'c', 'd']);
    expect(host.runs).toHaveLength(1);

    host.say(0, { event: 'logs_end', id: 'w1', reason: 'worker_exited' });
    host.end(0);
    expect(await take(firstLines, 2)).toEqual(['logs_end']);
    expect(await take(secondLines, 2)).toEqual(['logs_end']);
    expect(followers.following('gpu1')).toEqual([]);
  });

  it('stops the command when its last reader leaves, and refuses past the limit', async () => {
    const host = fakeHost();
    const followers = new AgentFollowers({ perHost: 2 });
    const readers = ['w1', 'w2'].map((id) => {
      const stop = new AbortController();
      const lines = followers.join(workerLogFollow(host.runner, id)).lines(stop.signal);
      void lines.next();
      return stop;
    });
    let refused: unknown;
    try {
      followers.join(workerLogFollow(host.runner, 'w3'));
    } catch (err) {
      refused = err;
    }
    expect(refused).toMatchObject({ code: 'TOO_MANY_FOLLOWERS' });
    expect((refused as Error).message).toContain('RBEES_FOLLOWERS_PER_HOST=2');
    expect(followers.following('other')).toEqual([]); // the limit is per host

    readers[0]?.abort();
    await vi.waitFor(() => expect(host.runs[0]?.stopped).toBe(true));
    expect(host.runs[1]?.stopped).toBe(false);
    expect(() => followers.join(workerLogFollow(host.runner, 'w3'))).not.toThrow();
  });

  it("ends every reader with the agent's error", async () => {
    const host = fakeHost();
    const followers = new AgentFollowers({ perHost: 2 });
    const stop = new AbortController();
    const a = followers.join(workerLogFollow(host.runner, 'w1')).lines(stop.signal);
    const b = followers.join(workerLogFollow(host.runner, 'w1')).lines(stop.signal);
    host.say(0, { event: 'error', code: 'NOT_FOUND', message: 'no log for worker "w1"' });
    host.end(0, 1);
    await expect(a.next()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(b.next()).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
