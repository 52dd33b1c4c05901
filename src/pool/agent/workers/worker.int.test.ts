/**
 * Workers end to end: the real CLI spawns the real rbees-workerd (from source) on the `script`
 * test model, detached; then list, logs, stop, and the refusals before anything is started.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestModels } from '../../../../scripts/test-models';
import { processState, signalGroup } from './process-info';
import {
  MAIN,
  pidsMentioning,
  REPO,
  runAgent,
  tempHome,
} from '../../../../scripts/testing/agent-process';

let home: Awaited<ReturnType<typeof tempHome>>;
let env: NodeJS.ProcessEnv;
const pids: number[] = [];

beforeAll(async () => {
  const models = await ensureTestModels();
  home = await tempHome([models.script]);
  env = { RBEES_HOME: home.home };
});

afterAll(async () => {
  // Whatever a failed assertion left running, known or not.
  for (const pid of [...pids, ...(await pidsMentioning(home.home))]) signalGroup(pid, 'SIGKILL');
  await home.cleanup();
});

/** A raw request to the worker without its secret: the status code and the body. */
function stranger(port: number, method: string, path: string): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve([res.statusCode ?? 0, body]));
    });
    req.on('error', reject);
    if (method === 'GET') return void req.end();
    req.setHeader('content-type', 'application/json');
    req.end(JSON.stringify({ job_id: 'stranger', prompt: 'hi', max_tokens: 8 }));
  });
}

/** The worker answers only its secret; the secret is where only this user can read it. */
async function expectGuarded(port: number, pid: number, secret: string): Promise<void> {
  expect(await stranger(port, 'POST', '/execute')).toEqual([401, expect.any(String)]);
  expect(await stranger(port, 'POST', '/cancel')).toEqual([401, expect.any(String)]);
  expect(await stranger(port, 'GET', '/status')).toEqual([401, expect.any(String)]);
  expect(await stranger(port, 'GET', '/health')).toEqual([200, '{"status":"ready"}']);
  const dir = join(home.home, 'workers');
  expect((await stat(dir)).mode & 0o777).toBe(0o700);
  for (const file of ['w1.json', 'w1.pid']) {
    expect((await stat(join(dir, file))).mode & 0o777, file).toBe(0o600);
  }
  expect(JSON.parse(await readFile(join(dir, 'w1.json'), 'utf8'))).toMatchObject({ secret });
  // Not where other users look: `ps` (the command line) and the worker's log.
  expect(await readFile(`/proc/${pid}/cmdline`, 'utf8')).not.toContain(secret);
  expect(await readFile(join(home.home, 'logs', 'worker-w1.log'), 'utf8')).not.toContain(secret);
}

describe('rbees-pool worker', () => {
  it('spawns a detached worker that serves; list, logs and stop it; nothing is left behind', async () => {
    // As an older agent left it: the spawn tightens it.
    await mkdir(join(home.home, 'workers'), { recursive: true });
    await chmod(join(home.home, 'workers'), 0o755);
    const spawned = await runAgent(
      [
        'worker',
        'spawn',
        'cpu',
        '--model',
        'script',
        '--threads',
        '1',
        '--ctx',
        '256',
        '--id',
        'w1',
        '--json',
      ],
      env,
    );
    expect(spawned.stderr).toBe('');
    expect(spawned.code).toBe(0);
    expect(spawned.lines).toHaveLength(1);
    const { port, pid, secret } = spawned.last as { port: number; pid: number; secret: string };
    pids.push(pid);
    expect(spawned.last).toEqual({
      event: 'spawned',
      id: 'w1',
      port,
      pid,
      model: 'script',
      backend: 'cpu',
      log: join(home.home, 'logs', 'worker-w1.log'),
      secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) as unknown,
    });

    // The agent has exited; the worker serves on.
    const health = (await (
      await fetch(`http://127.0.0.1:${port}/status`, {
        headers: { authorization: `Bearer ${secret}` },
      })
    ).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ready', model: 'script', pid });
    await expectGuarded(port, pid, secret);

    const list = await runAgent(['worker', 'list', '--json'], env);
    expect(list.code).toBe(0);
    expect(list.last).toMatchObject({
      event: 'workers',
      cleaned: [],
      workers: [
        { id: 'w1', pid, port, model: 'script', status: 'ready', slots_total: 1, slots_busy: 0 },
      ],
    });
    // For whoever runs the agent (over SSH): the daemon, a restarted one, `llorch infer --host`.
    expect((list.last.workers as { secret: string }[])[0]?.secret).toBe(secret);
    const status = await runAgent(['status', '--json'], env);
    expect(status.last).toMatchObject({ workers: [{ id: 'w1', status: 'ready' }] });
    expect(status.stdout).not.toContain(secret);

    const inUse = await runAgent(['models', 'rm', 'script', '--json'], env);
    expect(inUse.code).toBe(1);
    expect(inUse.last).toMatchObject({ code: 'BAD_REQUEST', details: { workers: ['w1'] } });

    const logs = await runAgent(['worker', 'logs', 'w1', '--lines', '50', '--json'], env);
    expect(logs.code).toBe(0);
    const logLines = logs.lines.filter((l) => l.event === 'log').map((l) => String(l.line));
    expect(
      logLines.some((l) =>
        /^rbees-workerd\[\d+\]: serving .*script\.gguf as script on 127\.0\.0\.1:/.test(l),
      ),
    ).toBe(true);
    expect(logLines).toContain(
      JSON.stringify({
        event: 'ready',
        port,
        model: 'script',
        backend: 'cpu',
        slots: 1,
        context_size: 256,
      }),
    );
    expect(logs.last).toEqual({ event: 'logs_end', id: 'w1', reason: 'eof' });

    // Follow, then stop: the follower sees the worker's last words and ends by itself.
    const follow = spawn(
      process.execPath,
      ['--import', 'tsx', MAIN, 'worker', 'logs', 'w1', '--follow', '--lines', '0', '--json'],
      { cwd: REPO, env: { ...process.env, ...env } },
    );
    const followed: Record<string, unknown>[] = [];
    let live: () => void = () => {};
    const following = new Promise<void>((resolve) => (live = resolve));
    createInterface({ input: follow.stdout }).on('line', (line) => {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      followed.push(parsed);
      if (parsed.event === 'logs_live') live();
    });
    const followExit = once(follow, 'exit');
    // The stop must come once it follows: it says so with `logs_live`, after the tail.
    const first = await Promise.race([
      following.then(() => 'following'),
      followExit.then(() => 'exited'),
    ]);
    expect(first).toBe('following');

    const stop = await runAgent(['worker', 'stop', 'w1', '--json'], env);
    expect(stop.code).toBe(0);
    expect(stop.last).toEqual({
      event: 'stopped',
      id: 'w1',
      pid,
      was_running: true,
      signal: 'SIGTERM',
    });
    expect(await processState(pid)).not.toBe('running');

    const [followCode] = (await followExit) as [number | null, string | null];
    expect(followCode).toBe(0);
    expect(
      followed.some((l) => l.event === 'log' && /stopping: SIGTERM/.test(String(l.line))),
    ).toBe(true);
    expect(followed.at(-1)).toEqual({ event: 'logs_end', id: 'w1', reason: 'worker_exited' });

    const after = await runAgent(['worker', 'list', '--json'], env);
    expect(after.last).toEqual({ event: 'workers', workers: [], cleaned: [] });
    const again = await runAgent(['worker', 'stop', 'w1', '--json'], env);
    expect(again.code).toBe(0);
    expect(again.last).toEqual({
      event: 'stopped',
      id: 'w1',
      pid: null,
      was_running: false,
      signal: null,
    });
    expect(await readdir(join(home.home, 'workers'))).toEqual([]);
    const left = await pidsMentioning(home.home);
    for (const other of left) expect(await processState(other), `pid ${other}`).not.toBe('running');
  });

  it('cleans up the entry of a worker that died', async () => {
    const dir = join(home.home, 'workers');
    await mkdir(dir, { recursive: true });
    const dead = spawn(process.execPath, ['-e', '0']);
    await once(dead, 'exit');
    const state = {
      id: 'ghost',
      pid: dead.pid,
      port: 1,
      model: 'script',
      model_path: '/x.gguf',
      backend: 'cpu',
      gpu: null,
      log: '/x.log',
      started_at: new Date().toISOString(),
    };
    await writeFile(join(dir, 'ghost.json'), JSON.stringify(state));
    await writeFile(join(dir, 'ghost.pid'), `${dead.pid}\n`);
    const list = await runAgent(['worker', 'list', '--json'], env);
    expect(list.last).toEqual({ event: 'workers', workers: [], cleaned: ['ghost'] });
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a missing model before starting anything', async () => {
    const run = await runAgent(['worker', 'spawn', 'cpu', '--model', 'tinyllama', '--json'], env);
    expect(run.code).toBe(1);
    expect(run.last).toMatchObject({
      event: 'error',
      code: 'MODEL_NOT_FOUND',
      details: { present: ['script'] },
    });
    expect(run.stderr).toContain('model "tinyllama" is not in');
  });

  it("relays the worker's own error when it cannot load, leaving no process or state", async () => {
    const broken = join(home.models, 'broken.gguf');
    await writeFile(broken, 'not a model\n');
    try {
      const run = await runAgent(
        ['worker', 'spawn', 'cpu', '--model', 'broken', '--threads', '1', '--id', 'b1', '--json'],
        env,
      );
      expect(run.code).toBe(1);
      expect(run.last).toMatchObject({ event: 'error', code: 'MODEL_LOAD_FAILED' });
      expect(await readdir(join(home.home, 'workers'))).toEqual([]);
    } finally {
      await rm(broken, { force: true });
    }
  });
});
