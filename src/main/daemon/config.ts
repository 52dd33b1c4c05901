import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { RbeesError } from '../../shared/errors';
import { makePrivateDir, PRIVATE_FILE } from './private-home';

/** Everything the daemon reads from the environment, resolved once (same names for every tool). */
export interface DaemonConfig {
  home: string;
  modelsDir: string;
  logsDir: string;
  host: string;
  /** RBEES_ALLOWED_HOSTS: more names the Host check accepts (lower case, no port). */
  allowedHosts: string[];
  port: number;
  token: string;
  /** Seconds a worker may sit idle before it is unloaded. */
  workerIdleS: number;
  /** Threads per worker; undefined lets the worker pick. */
  workerThreads: number | undefined;
  /** Slots of each worker the daemon starts. */
  workerSlots: number;
  /** Most jobs waiting for a slot; past it, 429 QUEUE_FULL. */
  queueCapacity: number;
  /** Most distinct worker logs and downloads followed at once per host; past it, 429. */
  followersPerHost: number;
  /** Seconds between host heartbeats; a host that misses 3 is offline. */
  heartbeatS: number;
  /** `HF_ENDPOINT`: a Hugging Face mirror, passed on to the hosts' agents for downloads. */
  hfEndpoint: string | undefined;
}

export const DEFAULT_PORT = 8080;

export function resolveConfig(env: NodeJS.ProcessEnv = process.env): DaemonConfig {
  const home = resolve(env.RBEES_HOME ?? join(homedir(), '.rbees'));
  const modelsDir = join(home, 'models');
  const logsDir = join(home, 'logs');
  // The home and its logs owner-only (private-home.ts); models/ is the user's, made as any folder.
  makePrivateDir(home);
  makePrivateDir(logsDir);
  mkdirSync(modelsDir, { recursive: true });
  return {
    home,
    modelsDir,
    logsDir,
    host: env.RBEES_HOST ?? '127.0.0.1',
    allowedHosts: hostNamesFromEnv(env, 'RBEES_ALLOWED_HOSTS'),
    port: intFromEnv(env, 'RBEES_PORT', DEFAULT_PORT, 0, 65535),
    token: env.RBEES_TOKEN ?? loadOrCreateToken(home),
    workerIdleS: intFromEnv(env, 'RBEES_WORKER_IDLE_S', 600, 1, 86400 * 30),
    workerThreads: env.RBEES_WORKER_THREADS
      ? intFromEnv(env, 'RBEES_WORKER_THREADS', 1, 1, 1024)
      : undefined,
    workerSlots: intFromEnv(env, 'RBEES_WORKER_SLOTS', 1, 1, 64),
    queueCapacity: intFromEnv(env, 'RBEES_QUEUE_CAPACITY', 100, 1, 100_000),
    heartbeatS: intFromEnv(env, 'RBEES_HEARTBEAT_S', 15, 1, 3600),
    // Each follower holds an SSH channel: 6 leaves room under sshd's default MaxSessions 10
    // for the agent's serve channel, short commands and an upload.
    followersPerHost: intFromEnv(env, 'RBEES_FOLLOWERS_PER_HOST', 6, 1, 1000),
    hfEndpoint: env.HF_ENDPOINT || undefined,
  };
}

/** A DNS name or an IPv4 address, or an IPv6 one in brackets: what a Host header names. */
const HOST_NAME =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])$/;

/** A comma list of host names (`a.lan, host.docker.internal`); each checked, none with a port. */
function hostNamesFromEnv(env: NodeJS.ProcessEnv, name: string): string[] {
  const names = (env[name] ?? '')
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== '');
  for (const host of names) {
    if (!HOST_NAME.test(host) || host.length > 253) {
      throw new RbeesError(
        'BAD_REQUEST',
        `${name}: "${host}" is not a host name. Give names as a browser's address bar shows ` +
          'them, without scheme or port, separated by commas: host.docker.internal,nas.lan',
      );
    }
  }
  return names;
}

function intFromEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RbeesError(
      'BAD_REQUEST',
      `${name}="${raw}" is not valid: use a whole number from ${min} to ${max}.`,
    );
  }
  return value;
}

/** The token file is created once, readable by its owner only, and reused by every later start. */
function loadOrCreateToken(home: string): string {
  const file = join(home, 'token');
  try {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= 16) return token;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: PRIVATE_FILE });
  chmodSync(file, PRIVATE_FILE);
  return token;
}
