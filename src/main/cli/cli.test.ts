import { describe, expect, it } from 'vitest';
import { parseCli } from '../../node/cli/run-cli';
import { UsageError } from '../../node/cli/cli-command';
import { ctlProgram } from './commands';
import type { ConnectionArgs } from './connection-args';
import type { CtlContext } from './context';
import { exitCodeOf } from './exit-status';
import { daemonUrl } from './infer-command';
import { summary, type InferArgs } from './infer-run';
import { runCli } from '../../../scripts/testing/cli-process';

const FP = `SHA256:${'A'.repeat(43)}`;

/** What a command line came to: the work it would start, captured instead of done. */
interface Parsed {
  pool?: { connection: ConnectionArgs; argv: string[] };
  infer?: InferArgs;
}

function program(env: NodeJS.ProcessEnv, parsed: Parsed = {}) {
  const ctx: CtlContext = {
    signal: new AbortController().signal,
    env,
    runPool: async (connection, argv) => {
      parsed.pool = { connection, argv };
      return 0;
    },
    runInfer: async (args) => {
      parsed.infer = args;
      return 0;
    },
  };
  return ctlProgram(ctx);
}

/** Parses argv as `llorch` would; a mistake is thrown as its UsageError. */
async function parse(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<Parsed> {
  const parsed: Parsed = {};
  const outcome = await parseCli(program(env, parsed), argv);
  if (outcome.kind === 'usage') throw outcome.error;
  return parsed;
}

async function pool(words: string, argv: string[], env: NodeJS.ProcessEnv = {}) {
  const { pool } = await parse(['pool', ...words.split(' '), ...argv], env);
  if (!pool) throw new Error('no pool command ran');
  return pool;
}

/** The agent's argv for `llorch pool <words> <argv>` (reaching host h). */
async function agentArgv(words: string, argv: string[], json: boolean): Promise<string[]> {
  return (await pool(words, [...argv, '--host', 'h', ...(json ? ['--json'] : [])])).argv;
}

async function parseInferArgs(argv: string[], env: NodeJS.ProcessEnv): Promise<InferArgs> {
  const { infer } = await parse(['infer', ...argv], env);
  if (!infer) throw new Error('infer did not run');
  return infer;
}

async function help(argv: string[]): Promise<string> {
  const outcome = await parseCli(program({}), argv);
  if (outcome.kind !== 'help') throw new Error('no help');
  return outcome.text;
}

describe('command tree and help', () => {
  it('has help on every level, listing the level below', async () => {
    expect(await help(['--help'])).toMatch(/^usage: llorch <command>[\s\S]*pool[\s\S]*infer/);
    expect(await help(['pool', '-h'])).toMatch(/status[\s\S]*models[\s\S]*worker[\s\S]*git/);
    expect(await help(['pool', 'worker', '--help'])).toMatch(
      /spawn[\s\S]*list[\s\S]*stop[\s\S]*logs/,
    );
    expect(await help(['pool', 'models', '--help'])).toMatch(
      /list[\s\S]*rm[\s\S]*verify[\s\S]*download/,
    );
    expect(await help(['pool', 'worker', 'spawn', '--help'])).toMatch(
      /^usage: llorch pool worker spawn <backend> --host HOST --model ID \[options\][\s\S]*--trust-host-key/,
    );
    expect(await help(['infer', '--help'])).toContain('--max-tokens N');
  });

  it('names the unknown command and the choices', async () => {
    await expect(parse(['pool', 'wrker'])).rejects.toThrow(
      'unknown command "wrker" after "llorch pool" (one of: status, models, worker, git, install)',
    );
    await expect(parse(['pool'])).rejects.toThrow(UsageError);
  });

  it('prints help and exits 0 as a process (top, pool, pool worker)', async () => {
    for (const argv of [['--help'], ['pool', '--help'], ['pool', 'worker', '--help']]) {
      const res = await runCli(argv);
      expect(res.code).toBe(0);
      expect(res.stdout).toBe(`${await help(argv)}\n`);
    }
    const bad = await runCli(['pool', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown command "nope"');
  });
});

describe('connection flags', () => {
  it('takes them out wherever they are, in both spellings, keeping the rest in order', async () => {
    const { connection, argv: rest } = await pool('worker logs', [
      ...['w1', '--host=mac', '-f', '--json', '--agent-dir', '/opt/a', '-n', '5', '-i', 'k'],
    ]);
    expect(connection).toEqual({
      ...{ host: 'mac', agentDir: '/opt/a', agentDirFlag: true, json: true, identity: 'k' },
    });
    expect(rest).toEqual(['worker', 'logs', ...['w1', '-f', '-n', '5'], '--json']);
  });

  it('defaults the agent dir to RBEES_AGENT_DIR, then ~/.rbees/agent', async () => {
    expect((await pool('status', ['--host', 'h'], {})).connection.agentDir).toBe('~/.rbees/agent');
    const env = { RBEES_AGENT_DIR: '/srv/rbees' };
    expect((await pool('status', ['--host', 'h'], env)).connection.agentDir).toBe('/srv/rbees');
  });

  it('requires --host and a real fingerprint', async () => {
    await expect(pool('status', [])).rejects.toThrow('missing --host');
    await expect(pool('status', ['--host'])).rejects.toThrow('--host needs a value');
    await expect(pool('status', ['--host', 'h', '--trust-host-key', 'yes'])).rejects.toThrow(
      'not a SHA256 fingerprint',
    );
    const ok = await pool('status', ['--host', 'h', '--trust-host-key', FP]);
    expect(ok.connection.trustHostKey).toBe(FP);
  });

  it('never reads arguments after -- as ours', async () => {
    const { connection, argv } = await pool('models download', [
      'r',
      '--host',
      'h',
      '--',
      '--json',
    ]);
    expect(connection.json).toBe(false);
    expect(argv.slice(3)).toEqual(['--', '--json']);
  });
});

describe("the agent's argv", () => {
  it('forwards checked options and adds --json', async () => {
    const argv = ['cpu', '--model', 'script', '--gpu', '1', '--slots', '2'];
    expect(await agentArgv('worker spawn', argv, true)).toEqual([
      'worker',
      'spawn',
      ...argv,
      '--json',
    ]);
    expect(await agentArgv('worker logs', ['w1', '-f'], false)).toEqual([
      'worker',
      'logs',
      'w1',
      '-f',
    ]);
  });

  it('refuses mistakes before connecting', async () => {
    const s = 'worker spawn';
    await expect(agentArgv(s, ['cpu'], false)).rejects.toThrow('missing --model');
    await expect(agentArgv(s, ['cpu', '--model', 'm', '--gpu', 'x'], false)).rejects.toThrow(
      '--gpu "x" is not a whole number',
    );
    await expect(agentArgv(s, ['--model', 'm'], false)).rejects.toThrow('missing <backend>');
    await expect(agentArgv('models rm', ['a', 'b'], false)).rejects.toThrow(
      'unexpected argument "b"',
    );
    await expect(agentArgv('status', ['--prot'], false)).rejects.toThrow("'--prot'");
  });

  it('passes anything after the reference to models download as it is', async () => {
    const argv = ['tinyllama', '--some-new-flag', 'x'];
    expect(await agentArgv('models download', argv, false)).toEqual([
      'models',
      'download',
      ...argv,
    ]);
    await expect(agentArgv('models download', [], false)).rejects.toThrow('missing <ref>');
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

  it('checks the numbers', async () => {
    const base = ['--model', 'm', '--prompt', 'p'];
    expect(await parseInferArgs(base, {})).toMatchObject({ maxTokens: 256, json: false });
    expect((await parseInferArgs([...base, '--temperature', '0'], {})).temperature).toBe(0);
    await expect(parseInferArgs([...base, '--temperature', '3'], {})).rejects.toThrow(
      '--temperature',
    );
    await expect(parseInferArgs([...base, '--max-tokens', '1e3'], {})).rejects.toThrow(
      '--max-tokens',
    );
    await expect(parseInferArgs(['--prompt', 'p'], {})).rejects.toThrow('missing --model');
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
