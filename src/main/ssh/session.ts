import type { Client, ClientChannel } from 'ssh2';
import { RbeesError } from '../../shared/errors';
import type { ErrorCode } from '../../shared/errors';
import { DEFAULT_TIMINGS, openConnection } from './connect';
import type { OpenConnection, SshHostOptions, SshTimings } from './connect';
import { execOnClient, openExecChannel } from './exec';
import type { ExecOptions, RemoteProcess } from './exec';

export type { SshHostOptions, SshTimings } from './connect';

/**
 * `connecting`: first attempt; `online`; `offline`: not connected, `reason` says why and
 * `retryInMs` when the next attempt starts (null: needs the user, e.g. an unknown host key);
 * `reconnecting`: an attempt after a drop or failure; `closed`: for good.
 */
export type SessionState = 'idle' | 'connecting' | 'online' | 'offline' | 'reconnecting' | 'closed';

export interface SessionStatus {
  state: SessionState;
  reason: RbeesError | null;
  retryInMs: number | null;
}

export interface SessionDeps {
  timings?: Partial<SshTimings>;
  /** Reconnect delays: initialMs, doubling, capped at maxMs. */
  backoff?: { initialMs: number; maxMs: number };
  /** The connector (tests may replace it). */
  open?: typeof openConnection;
}

/** Failures a retry cannot fix: the user must trust a key, fix known_hosts or their keys. */
const NEEDS_USER: ReadonlySet<ErrorCode> = new Set([
  'SSH_AUTH_FAILED',
  'SSH_HOSTKEY_UNKNOWN',
  'SSH_HOSTKEY_MISMATCH',
]);

function asRbeesError(host: SshHostOptions, err: unknown): RbeesError {
  if (err instanceof RbeesError) return err;
  return new RbeesError(
    'SSH_CONNECT_FAILED',
    `${host.name}: ${err instanceof Error ? err.message : String(err)}`,
  );
}

/**
 * One persistent SSH connection to a pool host, shared by every exec (one channel each). After a
 * drop it reconnects by itself with exponential backoff until `close()`.
 */
export class SshSession {
  private readonly timings: SshTimings;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly open: typeof openConnection;
  private readonly listeners = new Set<(status: SessionStatus) => void>();
  private current: OpenConnection | null = null;
  private inFlight: Promise<Client> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retries = 0;
  private everOnline = false;
  private _status: SessionStatus = { state: 'idle', reason: null, retryInMs: null };

  constructor(
    readonly host: SshHostOptions,
    deps: SessionDeps = {},
  ) {
    this.timings = { ...DEFAULT_TIMINGS, ...deps.timings };
    this.backoff = deps.backoff ?? { initialMs: 1000, maxMs: 30_000 };
    this.open = deps.open ?? openConnection;
  }

  get state(): SessionState {
    return this._status.state;
  }

  get status(): SessionStatus {
    return this._status;
  }

  /** Calls `listener` on every state change; returns the unsubscribe function. */
  onState(listener: (status: SessionStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connects now (also skipping a pending backoff); resolves once online. */
  async connect(): Promise<void> {
    await this.client(true);
  }

  /**
   * Trusts the host's key if, and only if, it has the fingerprint the user confirmed (from an
   * SSH_HOSTKEY_UNKNOWN error's details), then connects. Never overrides a changed key.
   */
  async trust(fingerprint: string): Promise<void> {
    if (this.current) return;
    if (this.inFlight) await this.inFlight.catch(() => undefined);
    if (this.current) return;
    await this.attempt(fingerprint);
  }

  /** Runs `command` on its own channel; waits for a connection attempt in progress. */
  exec(command: string, options: ExecOptions = {}): RemoteProcess {
    return execOnClient(() => this.client(false), this.host.name, command, options);
  }

  /**
   * Runs `command` on its own channel and returns the channel itself (stdin, stdout, stderr), for
   * a long-lived remote process the caller talks to. The caller owns it and closes it; the channel
   * closes with the connection.
   */
  openChannel(command: string): Promise<ClientChannel> {
    return openExecChannel(() => this.client(false), this.host.name, command);
  }

  /**
   * The live ssh2 client (waiting for an attempt in progress), for channels other than exec:
   * SFTP uploads and `forwardOut` tunnels. Callers own the channels they open, never the client.
   */
  connection(): Promise<Client> {
    return this.client(false);
  }

  /** Ends the connection and any retry; in-flight execs fail. Resolves once the socket closed. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.clearRetry();
    const pending = this.inFlight;
    this.setStatus({ state: 'closed', reason: null, retryInMs: null });
    this.listeners.clear();
    await pending?.catch(() => undefined);
    const conn = this.current;
    this.current = null;
    if (conn) {
      conn.client.end();
      const timeout = setTimeout(() => conn.client.destroy(), 2000);
      await conn.dropped;
      clearTimeout(timeout);
    }
  }

  private client(force: boolean): Promise<Client> {
    const { state, reason, retryInMs } = this._status;
    if (state === 'closed') {
      return Promise.reject(
        new RbeesError('SSH_CONNECT_FAILED', `${this.host.name}: the SSH session was closed`),
      );
    }
    if (this.current) return Promise.resolve(this.current.client);
    if (this.inFlight) return this.inFlight;
    if (state === 'offline' && reason && !force) {
      const retry =
        retryInMs === null ? '' : ` (retrying every ${Math.round(retryInMs / 1000)} s or sooner)`;
      return Promise.reject(
        new RbeesError(reason.code, `${reason.message}${retry}`, reason.details),
      );
    }
    return this.attempt();
  }

  private attempt(trustFingerprint?: string): Promise<Client> {
    this.clearRetry();
    const again = this.everOnline || this.retries > 0;
    this.setStatus({ state: again ? 'reconnecting' : 'connecting', reason: null, retryInMs: null });
    const run = this.open(this.host, this.timings, trustFingerprint).then(
      (conn) => {
        if (this.state === 'closed') {
          conn.client.end();
          throw new RbeesError(
            'SSH_CONNECT_FAILED',
            `${this.host.name}: the SSH session was closed`,
          );
        }
        this.current = conn;
        this.retries = 0;
        this.everOnline = true;
        this.setStatus({ state: 'online', reason: null, retryInMs: null });
        void conn.dropped.then((reason) => this.onDrop(conn, reason));
        return conn.client;
      },
      (err: unknown) => {
        const error = asRbeesError(this.host, err);
        if (this.state !== 'closed') this.goOffline(error);
        throw error;
      },
    );
    const tracked = run.finally(() => {
      if (this.inFlight === tracked) this.inFlight = null;
    });
    this.inFlight = tracked;
    return tracked;
  }

  private onDrop(conn: OpenConnection, reason: RbeesError): void {
    if (this.current !== conn) return;
    this.current = null;
    if (this.state === 'closed') return;
    this.retries = 0;
    this.goOffline(reason);
  }

  private goOffline(reason: RbeesError): void {
    if (NEEDS_USER.has(reason.code)) {
      this.setStatus({ state: 'offline', reason, retryInMs: null });
      return;
    }
    const delay = Math.min(this.backoff.initialMs * 2 ** this.retries, this.backoff.maxMs);
    this.retries++;
    this.setStatus({ state: 'offline', reason, retryInMs: delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.attempt().catch(() => undefined); // The failure is reported through the state.
    }, delay);
    // A forgotten session must not keep a CLI process alive.
    this.retryTimer.unref();
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private setStatus(status: SessionStatus): void {
    this._status = status;
    for (const listener of this.listeners) {
      try {
        listener(status);
      } catch {
        // A listener's failure must not stop the state machine or the other listeners.
      }
    }
  }
}
