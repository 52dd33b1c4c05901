import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RbeesError } from '../../shared/errors';
import { bearerMatches, LOOPBACK_NAMES } from '../../shared/worker-auth';

const PROTECTED = /^\/(v1|v2|api|metrics)(\/|$|\?)/;

/**
 * Content-Security-Policy for the UI: only our own scripts, styles and API. `style-src` allows
 * inline style attributes set by React (`style={{…}}` is CSSOM and allowed anyway).
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Host names a browser may use to reach us; anything else is a DNS-rebinding attempt. */
export function allowedHosts(boundHost: string, port: number): Set<string> {
  const names = new Set([...LOOPBACK_NAMES, boundHost]);
  return new Set([...names].flatMap((name) => [name, `${name}:${port}`]));
}

/** `Authorization: Bearer <token>`, compared in constant time (the workers' check too). */
export const tokenMatches = bearerMatches;

/**
 * Host check for every request, bearer token for every API route, security headers on every
 * answer. No CORS headers at all: only same-origin pages (our UI) and non-browser clients get in.
 */
export function installSecurity(
  app: FastifyInstance,
  options: { token: string; hosts: () => Set<string> },
): void {
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const host = (request.headers.host ?? '').toLowerCase();
    if (!options.hosts().has(host)) {
      throw new RbeesError(
        'FORBIDDEN_HOST',
        `Host "${host}" is not this daemon's address. Open it as http://127.0.0.1 or localhost.`,
      );
    }
    if (
      PROTECTED.test(request.url) &&
      !tokenMatches(options.token, request.headers.authorization)
    ) {
      throw new RbeesError(
        'UNAUTHORIZED',
        'Missing or wrong API token. Send "Authorization: Bearer <token>"; the token is in ' +
          '$RBEES_HOME/token (default ~/.rbees/token).',
      );
    }
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
  });
}
