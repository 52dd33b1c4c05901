import ssh2 from 'ssh2';
import type { Client } from 'ssh2';
import { RbeesError } from '../../shared/errors';
import { authFailure, planAuth } from './auth';
import type { AuthOptions } from './auth';
import { createHostVerifier, hostKeyAlgorithms, loadHostKeys } from './host-key';
import type { KnownHostsFiles } from './host-key';

/** Everything needed to reach one pool host. */
export interface SshHostOptions extends AuthOptions, KnownHostsFiles {
  /** What the user calls the host; every message starts with it. */
  name: string;
  hostname: string;
  port: number;
  user: string;
}

/** Connection timing; the defaults notice a dead link in ~15 s. */
export interface SshTimings {
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  /** ssh2 declares the link dead on the ping after this many unanswered ones. */
  keepaliveCountMax: number;
}

export const DEFAULT_TIMINGS: SshTimings = {
  connectTimeoutMs: 10_000,
  keepaliveIntervalMs: 5_000,
  // ssh2 gives up when it is about to send ping number countMax+1: 2 → dead after 3 intervals.
  keepaliveCountMax: 2,
};

/** An authenticated connection; `dropped` settles with the reason once it ends. */
export interface OpenConnection {
  client: Client;
  dropped: Promise<RbeesError>;
}

type Ssh2Error = Error & { level?: string; code?: string };

/** Turns an ssh2 or socket error into a coded error that names the host and the fix. */
export function describeError(
  host: SshHostOptions,
  err: Ssh2Error,
  timings: SshTimings,
): RbeesError {
  const where = `${host.hostname}:${host.port}`;
  const details = { host: host.hostname, port: host.port, cause: err.message };
  if (err.level === 'client-timeout') {
    const keepalive = /keepalive/i.test(err.message);
    const seconds = keepalive
      ? Math.round((timings.keepaliveIntervalMs * (timings.keepaliveCountMax + 1)) / 1000)
      : Math.round(timings.connectTimeoutMs / 1000);
    return new RbeesError(
      'SSH_TIMEOUT',
      keepalive
        ? `${host.name}: lost the connection to ${where}: no answer for ${seconds} s; the network link or the host may be down`
        : `${host.name}: no SSH answer from ${where} within ${seconds} s; is the host up and reachable?`,
      details,
    );
  }
  if (/no matching host key format/.test(err.message)) {
    return new RbeesError(
      'SSH_HOSTKEY_MISMATCH',
      `${host.name}: ${where} offered none of the host key types known for it — someone may be ` +
        'intercepting the connection, or the host was reinstalled; if you reinstalled it, remove ' +
        'its lines from your known_hosts files (~/.ssh/known_hosts, ~/.rbees/known_hosts)',
      details,
    );
  }
  const reasons: Record<string, string> = {
    ECONNREFUSED: `${where} refused the connection; is sshd running there, on that port?`,
    ENOTFOUND: `cannot resolve ${host.hostname}; check the host name`,
    EAI_AGAIN: `cannot resolve ${host.hostname} right now (DNS unavailable)`,
    EHOSTUNREACH: `no route to ${host.hostname}; is the host on the network?`,
    ENETUNREACH: `network unreachable for ${host.hostname}`,
    ECONNRESET: `${where} reset the connection`,
  };
  const reason = (err.code && reasons[err.code]) ?? `${where}: ${err.message}`;
  return new RbeesError('SSH_CONNECT_FAILED', `${host.name}: ${reason}`, details);
}

/**
 * One connection attempt: host key policy, agent/key auth, no-delay, keepalive. Rejects with a
 * coded RbeesError; on failure nothing is left open.
 */
export async function openConnection(
  host: SshHostOptions,
  timings: SshTimings,
  trustFingerprint?: string,
): Promise<OpenConnection> {
  const plan = await planAuth(host);
  const known = await loadHostKeys(
    { name: host.name, hostname: host.hostname, port: host.port },
    host,
  );
  const verifier = createHostVerifier(host, known, host, trustFingerprint);
  const client = new ssh2.Client();
  let lastError: RbeesError | null = null;
  let ready = false;
  let resolveDropped: (reason: RbeesError) => void = () => undefined;
  const dropped = new Promise<RbeesError>((resolve) => (resolveDropped = resolve));

  return new Promise<OpenConnection>((resolve, reject) => {
    const fail = (err: RbeesError): void => {
      client.removeAllListeners('ready');
      client.destroy();
      reject(err);
    };
    // Always listening: an 'error' event with no listener would crash the process.
    client.on('error', (err: Ssh2Error) => {
      const described =
        verifier.rejection ??
        (err.level === 'client-authentication'
          ? authFailure(host, plan)
          : describeError(host, err, timings));
      lastError ??= described;
      if (!ready) fail(described);
    });
    client.on('close', () => {
      if (!ready) {
        fail(
          lastError ??
            new RbeesError(
              'SSH_CONNECT_FAILED',
              `${host.name}: connection closed during the handshake`,
            ),
        );
        return;
      }
      resolveDropped(
        lastError ??
          new RbeesError(
            'SSH_CONNECT_FAILED',
            `${host.name}: the connection to ${host.hostname}:${host.port} was closed`,
            {
              host: host.hostname,
              port: host.port,
            },
          ),
      );
    });
    client.once('ready', () => {
      ready = true;
      resolve({ client, dropped });
    });
    const serverHostKey = hostKeyAlgorithms(known);
    client.connect({
      host: host.hostname,
      port: host.port,
      username: host.user,
      authHandler: plan.methods,
      hostVerifier: verifier.verify,
      readyTimeout: timings.connectTimeoutMs,
      keepaliveInterval: timings.keepaliveIntervalMs,
      keepaliveCountMax: timings.keepaliveCountMax,
      ...(serverHostKey ? { algorithms: { serverHostKey } } : {}),
    });
    // Without it every channel open waits ~40 ms for a delayed ACK (environment.md); Node keeps
    // the setting until the socket connects.
    client.setNoDelay(true);
  });
}
