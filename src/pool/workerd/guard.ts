import type { FastifyRequest } from 'fastify';
import { RbeesError } from '../../shared/errors';
import {
  bearerMatches,
  isLoopbackHost,
  WORKER_SECRET_ENV,
  workerSecretProblem,
} from '../../shared/worker-auth';

/**
 * The worker's two locks. A worker listens on its host's loopback, where every local user, and
 * any web page through a rebound DNS name, can reach it: the Host check keeps the pages out, the
 * secret everyone who was not handed it by whoever started the worker.
 */

/** Every request, on every route: its Host names the loopback (any port: tunnels differ). */
export async function checkHost(request: FastifyRequest): Promise<void> {
  const host = request.headers.host;
  if (isLoopbackHost(host)) return;
  throw new RbeesError(
    'FORBIDDEN_HOST',
    `Host "${host ?? ''}" is not this machine's loopback: rbees-workerd answers only requests to ` +
      '127.0.0.1, localhost or [::1] (from another machine, through an SSH tunnel).',
  );
}

/** Every route but `/health`: `Authorization: Bearer <secret>`. */
export function requireSecret(secret: string) {
  return async (request: FastifyRequest): Promise<void> => {
    if (bearerMatches(secret, request.headers.authorization)) return;
    throw new RbeesError(
      'UNAUTHORIZED',
      'Missing or wrong worker secret. Send "Authorization: Bearer <secret>" with the secret ' +
        `the worker was started with (${WORKER_SECRET_ENV}); rbees-pool keeps it in ` +
        '$RBEES_HOME/workers/<id>.json and prints it with `worker list --json`.',
    );
  };
}

/**
 * Takes the secret out of the environment, so that no process the worker starts (node-llama-cpp
 * runs helpers) inherits it. Returns it, or why there is none that will do.
 */
export function takeSecret(env: NodeJS.ProcessEnv): { secret: string } | { problem: string } {
  const value = env[WORKER_SECRET_ENV];
  delete env[WORKER_SECRET_ENV];
  const problem = workerSecretProblem(value);
  if (problem !== undefined) {
    return {
      problem: `${problem} — start workers with \`rbees-pool worker spawn\`, or set it to a random string such as \`openssl rand -hex 32\` prints`,
    };
  }
  return { secret: value as string };
}
