import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface DaemonProcess {
  url: string;
  openUrl: string;
  token: string;
  home: string;
  pid: number;
  child: ChildProcess;
  /** One API call with the daemon's token (or `token`; null sends none); the JSON answer. */
  call(method: string, path: string, body?: unknown, token?: string | null): Promise<ApiAnswer>;
  /** SIGTERM, wait for exit, remove RBEES_HOME (unless the caller gave it). */
  stop(): Promise<void>;
  /** SIGKILL, as a crash would: nothing is cleaned up, RBEES_HOME is kept for a restart. */
  kill(): Promise<void>;
}

export interface ApiAnswer {
  status: number;
  json: Record<string, unknown>;
}

export interface DaemonProcessOptions {
  /** Model files to link into `$RBEES_HOME/models`, optionally under another file name. */
  models?: (string | { path: string; as: string })[];
  env?: Record<string, string>;
  /** An RBEES_HOME to start in (a restart); the caller removes it. Default: a fresh one. */
  home?: string;
  /** Another build's `serve.js` (a benchmark of two builds side by side); default this one's. */
  serve?: string;
}

const SERVE = fileURLToPath(new URL('../../out/main/serve.js', import.meta.url));

/**
 * Runs the built daemon (`out/main/serve.js`, what `npm run serve` runs) as its own process with a
 * fresh RBEES_HOME and a free port, exactly as a person would: the tests see it only over HTTP.
 */
export async function startDaemonProcess(
  options: DaemonProcessOptions = {},
): Promise<DaemonProcess> {
  const ownHome = options.home === undefined;
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'rbees-home-'));
  const env = {
    ...process.env,
    RBEES_HOME: home,
    RBEES_PORT: '0',
    RBEES_WORKER_THREADS: '1',
    // Cut links are noticed in 15 s (3 missed heartbeats) rather than the default 45 s.
    RBEES_HEARTBEAT_S: '5',
    ...options.env,
  };
  const child = spawn(process.execPath, [options.serve ?? SERVE], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const listening = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^Open the UI: (\S+)$/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) =>
      reject(new Error(`rbees-orcd exited with ${code} before listening: ${stderr.join('')}`)),
    );
  });
  const openUrl = await listening.catch((err: unknown) => {
    if (ownHome) rmSync(home, { recursive: true, force: true });
    throw err;
  });
  // Models are linked after the daemon made $RBEES_HOME/models: it reads the folder per request.
  for (const model of options.models ?? []) {
    const { path, as } = typeof model === 'string' ? { path: model, as: basename(model) } : model;
    if (!existsSync(join(home, 'models', as))) symlinkSync(path, join(home, 'models', as));
  }
  const url = new URL(openUrl);
  const daemonToken = decodeURIComponent(url.hash.replace(/^#token=/, ''));
  return {
    url: url.origin,
    openUrl,
    token: daemonToken,
    home,
    pid: child.pid ?? -1,
    child,
    async call(method, path, body, token = daemonToken) {
      const response = await fetch(`${url.origin}${path}`, {
        method,
        headers: {
          ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return {
        status: response.status,
        json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      };
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        // A daemon that does not stop in time is a bug the tests should see, not a hang.
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      }
      if (ownHome) rmSync(home, { recursive: true, force: true });
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
