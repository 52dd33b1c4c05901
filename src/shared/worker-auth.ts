/**
 * What guards a local HTTP server of rbees (the daemon's API, a worker): a bearer secret compared
 * in constant time, and a Host header that must name this machine (DNS rebinding). Pure, so the
 * daemon and the pool side share one implementation.
 */

/**
 * How rbees-workerd gets its secret: from whoever starts it, by environment, never on the command
 * line (`ps` shows that to every local user). The worker removes it from its environment at once.
 */
export const WORKER_SECRET_ENV = 'RBEES_WORKER_SECRET';

/** Random bytes in a secret that rbees makes itself (base64url: 43 characters). */
export const WORKER_SECRET_BYTES = 32;

/** Shortest secret a worker accepts from someone who starts it by hand. */
export const MIN_SECRET_CHARS = 32;

/** Host names that only this machine answers to; any port (a tunnel may arrive on another). */
export const LOOPBACK_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * A new worker secret: WORKER_SECRET_BYTES from the platform's CSPRNG (Web Crypto, the same in
 * Node and Electron), base64url.
 */
export function newWorkerSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(WORKER_SECRET_BYTES));
  const base64 = btoa(String.fromCharCode(...bytes));
  return base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Why `value` cannot be a worker's secret, or undefined when it can. */
export function workerSecretProblem(value: string | undefined): string | undefined {
  if (value === undefined || value === '') {
    return `${WORKER_SECRET_ENV} is not set: a worker serves only callers that know its secret`;
  }
  // It travels as `Authorization: Bearer <secret>`: printable ASCII without spaces.
  if (!/^[\x21-\x7e]+$/.test(value) || value.length < MIN_SECRET_CHARS) {
    return `${WORKER_SECRET_ENV} must be at least ${MIN_SECRET_CHARS} printable characters without spaces`;
  }
  return undefined;
}

/** The Authorization header value that carries `secret`. */
export function bearer(secret: string): string {
  return `Bearer ${secret}`;
}

/**
 * Whether an Authorization header carries `expected` as a bearer token. Every character of
 * `expected` is compared whatever was sent, so the time taken says nothing about how much of it
 * matched (its length is no secret: the format fixes it).
 */
export function bearerMatches(expected: string, header: string | undefined): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  const given = match?.[1] ?? '';
  let diff = expected.length ^ given.length;
  // Past the end of `given`, charCodeAt is NaN, which `^` reads as 0: the length already differs.
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ given.charCodeAt(i);
  return match !== null && expected.length > 0 && diff === 0;
}

/** The name part of a Host header (`name`, `name:port`, `[v6]:port`), lower case; undefined if malformed. */
export function hostName(header: string | undefined): string | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::\d{1,5})?$/i.exec(header ?? '');
  return match?.[1]?.toLowerCase();
}

/** Whether a Host header names this machine's loopback (any port). */
export function isLoopbackHost(header: string | undefined): boolean {
  const name = hostName(header);
  return name !== undefined && LOOPBACK_NAMES.includes(name);
}
