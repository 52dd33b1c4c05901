/**
 * `git pull` / `self-update`: a checkout updates itself with `git pull --ff-only` (never a merge
 * on a pool host nobody looks at); any other install is replaced by `rbees-ctl pool install`.
 */
import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { RbeesError } from '../../../shared/errors';
import { agentRoot } from './install-layout';
import type { Output } from '../cli/output';

function git(dir: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['-C', dir, ...args], { timeout: 10_000 }, (err, stdout) =>
      resolve(err === null ? stdout.trim() : undefined),
    );
  });
}

export async function selfUpdate(out: Output): Promise<void> {
  const root = agentRoot();
  const top = await git(root, ['rev-parse', '--show-toplevel']);
  if (top === undefined) {
    throw new RbeesError(
      'BAD_REQUEST',
      `${root} is not a git checkout: this agent is updated by \`rbees-ctl pool install\` from the controlling machine`,
      { dir: root },
    );
  }
  const before = (await git(top, ['rev-parse', 'HEAD'])) ?? '';
  // LC_ALL=C: git's messages are relayed to the daemon and matched by people, not translated.
  const child = spawn('git', ['-C', top, 'pull', '--ff-only'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' },
  });
  const relay = (stream: 'stdout' | 'stderr') => {
    const source = child[stream];
    if (source === null) return Promise.resolve();
    const lines = createInterface({ input: source });
    lines.on('line', (line) => {
      if (out.json) out.emit({ event: 'output', stream, line });
      else process[stream].write(`${line}\n`);
    });
    return new Promise<void>((resolve) => lines.once('close', resolve));
  };
  const relayed = Promise.all([relay('stdout'), relay('stderr')]);
  const code = await new Promise<number | string>((resolve, reject) => {
    child.once('error', (err) =>
      reject(new RbeesError('INTERNAL', `cannot run git: ${err.message}`)),
    );
    child.once('close', (exitCode, signal) => resolve(exitCode ?? signal ?? 'unknown'));
  });
  await relayed;
  if (code !== 0) {
    throw new RbeesError(
      'INTERNAL',
      `git pull --ff-only in ${top} failed (${code}) — see its output above; local changes or a diverged branch need a person`,
      { dir: top },
    );
  }
  const after = (await git(top, ['rev-parse', 'HEAD'])) ?? '';
  const human =
    before === after
      ? `already up to date at ${after.slice(0, 12)}`
      : `updated ${before.slice(0, 12)} → ${after.slice(0, 12)}`;
  out.emit({ event: 'updated', dir: top, before, after }, human);
}
