import { describe, expect, it } from 'vitest';
import { ROOT } from './commands';
import { splitConnectionArgs } from './connection-args';
import { exitCodeOf } from './exit-status';
import { daemonUrl, parseInferArgs } from './infer-command';
import { summary } from './infer-run';
import { agentArgv, POOL_SPECS } from './pool-commands';
import { route, UsageError } from './router';
import { runCli } from '../../../scripts/testing/cli-process';

const FP = `SHA256:${'A'.repeat(43)}`;

function spec(words: string): (typeof POOL_SPECS)[number] {
  const found = POOL_SPECS.find((s) => s.words.join(' ') === words);
  if (!found) throw new Error(words);
  return found;
}

function help(argv: string[]): string {
  const routed = route(ROOT, argv);
  if (!('help' in routed)) throw new Error('no help');
  return routed.help;
}

describe('command tree and help', () => {
  it('has help on every level, listing the level below', () => {
    expect(help(['--help'])).toMatch(/^usage: llorch <command>[\s\S]*pool[\s\S]*infer/);
    expect(help(['pool', '-h'])).toMatch(/status[\s\S]*models[\s\S]*worker[\s\S]*git/);
    expect(help(['pool', 'worker', '--help'])).toMatch(/spawn[\s\S]*list[\s\S]*stop[\s\S]*logs/);
    expect(help(['pool', 'models', '--help'])).toMatch(/list[\s\S]*rm[\s\S]*verify[\s\S]*download/);
    expect(help(['pool', 'worker', 'spawn', '--help'])).toMatch(
      /^usage: llorch pool worker spawn <backend> --host HOST --model ID \[options\][\s\S]*--trust-host-key/,
    );
    expect(help(['infer', '--help'])).toContain('--max-tokens N');
  });

  it('names the unknown command and the choices', () => {
    expect(() => route(ROOT, ['pool', 'wrker'])).toThrow(
      'unknown command "wrker" after "llorch pool" (one of: status, models, worker, git, install)',
    );
    expect(() => route(ROOT, ['pool'])).toThrow(UsageError);
  });

  it('prints help and exits 0 as a process (top, pool, pool worker)', async () => {
    for (const argv of [['--help'], ['pool', '--help'], ['pool', 'worker', '--help']]) {
      const res = await runCli(argv);
      expect(res.code).toBe(0);
      expect(res.stdout).toBe(`${help(argv)}\n`);
    }
    const bad = await runCli(['pool', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown command "nope"');
  });
});

describe('connection flags', () => {
  it('takes them out wherever they are, in both spellings, keeping the rest in order', () => {
    const { connection, rest } = splitConnectionArgs(
      ['w1', '--host=mac', '-f', '--json', '--agent-dir', '/opt/a', '-n', '5', '-i', 'k'],
      'u',
      {},
    );
    expect(connection).toEqual({
      ...{ host: 'mac', agentDir: '/opt/a', agentDirFlag: true, json: true, identity: 'k' },
    });
    expect(rest).toEqual(['w1', '-f', '-n', '5']);
  });

  it('defaults the agent dir to RBEES_AGENT_DIR, then ~/.rbees/agent', () => {
    expect(splitConnectionArgs(['--host', 'h'], 'u', {}).connection.agentDir).toBe(
      '~/.rbees/agent',
    );
    const env = { RBEES_AGENT_DIR: '/srv/rbees' };
    expect(splitConnectionArgs(['--host', 'h'], 'u', env).connection.agentDir).toBe('/srv/rbees');
  });

  it('requires --host and a real fingerprint', () => {
    expect(() => splitConnectionArgs(['status'], 'u', {})).toThrow('missing --host');
    expect(() => splitConnectionArgs(['--host'], 'u', {})).toThrow('--host needs a value');
    expect(() => splitConnectionArgs(['--host', 'h', '--trust-host-key', 'yes'], 'u', {})).toThrow(
      'not a SHA256 fingerprint',
    );
    const ok = splitConnectionArgs(['--host', 'h', '--trust-host-key', FP], 'u', {});
    expect(ok.connection.trustHostKey).toBe(FP);
  });

  it('never reads arguments after -- as ours', () => {
    const { rest } = splitConnectionArgs(['--host', 'h', '--', '--json'], 'u', {});
    expect(rest).toEqual(['--', '--json']);
  });
});

describe("the agent's argv", () => {
  it('forwards checked options and adds --json', () => {
    const argv = ['cpu', '--model', 'script', '--gpu', '1', '--slots', '2'];
    expect(agentArgv(spec('worker spawn'), argv, true, 'u')).toEqual([
      'worker',
      'spawn',
      ...argv,
      '--json',
    ]);
    expect(agentArgv(spec('worker logs'), ['w1', '-f'], false, 'u')).toEqual([
      'worker',
      'logs',
      'w1',
      '-f',
    ]);
  });

  it('refuses mistakes before connecting', () => {
    const s = spec('worker spawn');
    expect(() => agentArgv(s, ['cpu'], false, 'u')).toThrow('missing --model');
    expect(() => agentArgv(s, ['cpu', '--model', 'm', '--gpu', 'x'], false, 'u')).toThrow(
      '--gpu "x" is not a whole number',
    );
    expect(() => agentArgv(s, ['--model', 'm'], false, 'u')).toThrow('missing <backend>');
    expect(() => agentArgv(spec('models rm'), ['a', 'b'], false, 'u')).toThrow(
      'unexpected argument "b"',
    );
    expect(() => agentArgv(spec('status'), ['--prot'], false, 'u')).toThrow("'--prot'");
  });

  it('passes anything after the reference to models download as it is', () => {
    const argv = ['tinyllama', '--some-new-flag', 'x'];
    expect(agentArgv(spec('models download'), argv, false, 'u')).toEqual([
      'models',
      'download',
      ...argv,
    ]);
    expect(() => agentArgv(spec('models download'), [], false, 'u')).toThrow('missing <ref>');
  });
});

describe('exit codes', () => {
  it("is the remote code, or 128 + the signal's number like a shell", () => {
    expect(exitCodeOf({ code: 3, signal: null })).toBe(3);
    expect(exitCodeOf({ code: null, signal: 'TERM' })).toBe(143);
    expect(exitCodeOf({ code: null, signal: 'SIGKILL' })).toBe(137);
    expect(exitCodeOf({ code: null, signal: 'NOPE' })).toBe(255);
    expect(exitCodeOf({ code: null, signal: null })).toBe(255);
  });
});

describe('infer options', () => {
  it('finds the daemon by flag, RBEES_URL, then RBEES_PORT', () => {
    expect(daemonUrl('http://x:1', { RBEES_URL: 'http://y:2' })).toBe('http://x:1');
    expect(daemonUrl(undefined, { RBEES_URL: 'http://y:2' })).toBe('http://y:2');
    expect(daemonUrl(undefined, { RBEES_PORT: '9000' })).toBe('http://127.0.0.1:9000');
    expect(daemonUrl(undefined, {})).toBe('http://127.0.0.1:8080');
  });

  it('checks the numbers', () => {
    const base = ['--model', 'm', '--prompt', 'p'];
    expect(parseInferArgs(base, {})).toMatchObject({ maxTokens: 256, json: false });
    expect(parseInferArgs([...base, '--temperature', '0'], {}).temperature).toBe(0);
    expect(() => parseInferArgs([...base, '--temperature', '3'], {})).toThrow('--temperature');
    expect(() => parseInferArgs([...base, '--max-tokens', '1e3'], {})).toThrow('--max-tokens');
    expect(() => parseInferArgs(['--prompt', 'p'], {})).toThrow('missing --model');
  });

  it('sums up from the metrics, else from what it measured', () => {
    const metrics = {
      tokens_out: 12,
      tokens_per_sec: 40.04,
      decode_time_ms: 300,
      time_to_first_token_ms: 21.6,
      prompt_tokens: 3,
    };
    expect(summary(metrics, 0, null, 1)).toBe('12 tokens, 40.0 tok/s, TTFT 22 ms');
    expect(summary(null, 10, 50, 2000)).toBe('10 tokens, 5.0 tok/s, TTFT 50 ms');
  });
});
