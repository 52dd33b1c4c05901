import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$RBEES_HOME`, else ~/.rbees: everything the agent keeps on its host lives under it. */
export function rbeesHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.RBEES_HOME;
  return home !== undefined && home !== '' ? home : join(homedir(), '.rbees');
}

export function modelsDir(env?: NodeJS.ProcessEnv): string {
  return join(rbeesHome(env), 'models');
}

export function logsDir(env?: NodeJS.ProcessEnv): string {
  return join(rbeesHome(env), 'logs');
}

export function workersDir(env?: NodeJS.ProcessEnv): string {
  return join(rbeesHome(env), 'workers');
}

export function workerLogPath(id: string, env?: NodeJS.ProcessEnv): string {
  return join(logsDir(env), `worker-${id}.log`);
}
