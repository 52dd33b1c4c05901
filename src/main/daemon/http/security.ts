import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RbeesError } from '../../../shared/errors';
import { bearerMatches, LOOPBACK_NAMES } from '../../../shared/worker-auth';

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

/**
 * Host names a browser may use to reach us: the loopback's, the bound address, and the names
 * the owner added (RBEES_ALLOWED_HOSTS); anything else is a DNS-rebinding attempt.
 */
export function allowedHosts(
  boundHost: string,
  port: number,
  added: readonly string[] = [],
): Set<string> {
  const names = new Set([...LOOPBACK_NAMES, boundHost, ...added]);
  return new Set([...names].flatMap((name) => [name, `${name}:${port}`]));
}

/** `Authorization: Bearer <token>`, compared in constant time (the workers' check too). */
export const tokenMatches = bearerMatches;

/**
 * The token as a request carries it: `Authorization: Bearer`, or `x-api-key` as Anthropic's
 * clients send it (Claude Code sends either). The same secret either way; a browser page of
 * another origin can set neither header without a CORS preflight, which gets no CORS answer.
 */
export function requestHasToken(token: string, headers: IncomingHttpHeaders): boolean {
  const key = headers['x-api-key'];
  if (bearerMatches(token, headers.authorization)) return true;
  return typeof key === 'string' && bearerMatches(token, `Bearer ${key}`);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `public`: answered without the token. Set only by `publicRoutes`, never by hand. */
    access?: 'public';
  }
}

/**
 * Host check for every request, the bearer token for every route but the public ones, security
 * headers on every answer. No CORS headers at all: only same-origin pages (our UI) and non-browser
 * clients get in.
 *
 * The token is required by the route that matched, not by a pattern on the raw URL: the router
 * decodes `%61pi`, strips an absolute-form target and so on before it picks a route, and a check
 * of its own spelling of the URL would disagree with it. Deny by default: a route registered
 * anywhere (or no route at all, a 404) needs the token unless `publicRoutes` registered it.
 */
export function installSecurity(
  app: FastifyInstance,
  options: { token: string; hosts: () => Set<string> },
): void {
  app.addHook('onRequest', async (request: FastifyRequest) => {
    checkHost(request, options.hosts());
    if (request.routeOptions.config.access === 'public') return;
    if (!requestHasToken(options.token, request.headers)) {
      throw new RbeesError(
        'UNAUTHORIZED',
        'Missing or wrong API token. Send "Authorization: Bearer <token>" (or "x-api-key: ' +
          '<token>"); the token is in ' +
          '$RBEES_HOME/token (default ~/.rbees/token).',
      );
    }
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
  });
}

/**
 * Registers routes that need no token (the UI's files, `/health`): whatever `register` adds to
 * the scope it is given, and nothing else, is public. Each such route is named here, in one place.
 */
export function publicRoutes(
  app: FastifyInstance,
  register: (scope: FastifyInstance) => Promise<void> | void,
): void {
  void app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'public' };
    });
    await register(scope);
  });
}

/**
 * DNS rebinding: a page on another name that resolves to us must not get in. An absolute-form
 * target (`GET http://host/path`) names a host too, which then must be ours as well.
 */
function checkHost(request: FastifyRequest, allowed: Set<string>): void {
  const host = (request.headers.host ?? '').toLowerCase();
  const target = request.raw.url ?? '';
  const named = target.startsWith('/') ? host : authorityOf(target);
  if (!allowed.has(host) || !allowed.has(named)) {
    const shown = allowed.has(host) ? named : host;
    throw new RbeesError(
      'FORBIDDEN_HOST',
      `Host "${shown}" is not this daemon's address. Open it as http://127.0.0.1 or localhost, ` +
        'or add the name to RBEES_ALLOWED_HOSTS (for example host.docker.internal).',
    );
  }
}

/** `host:port` of an absolute-form target, lower case; '' when it is not a URL. */
function authorityOf(target: string): string {
  try {
    return new URL(target).host.toLowerCase();
  } catch {
    return '';
  }
}
