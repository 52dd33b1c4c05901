import http from 'node:http';
import type { ClientRequestArgs, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import type { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { RbeesError } from '../../shared/errors';
import type { SshSession } from './session';

/** Opens a `direct-tcpip` channel to `host:port` as seen from the pool host. */
function openChannel(session: SshSession, host: string, port: number): Promise<ClientChannel> {
  const name = session.host.name;
  return session.connection().then(
    (client) =>
      new Promise<ClientChannel>((resolve, reject) => {
        client.forwardOut('127.0.0.1', 0, host, port, (err, channel) => {
          if (!err) return resolve(channel);
          reject(
            new RbeesError(
              'WORKER_UNAVAILABLE',
              `${name}: nothing answers on ${host}:${port} on the host (${err.message})`,
              { host: name, port },
            ),
          );
        });
      }),
  );
}

type SocketExtras = Pick<
  net.Socket,
  'setTimeout' | 'setNoDelay' | 'setKeepAlive' | 'ref' | 'unref'
>;

/**
 * node:http calls these socket methods when they exist in some paths (timeouts, keep-alive); a
 * channel has none. No-ops are right: the SSH connection's TCP socket already has no-delay and
 * keepalives of its own; request timeouts are the caller's AbortSignal.
 */
function asSocket(channel: ClientChannel): Duplex {
  const s = channel as ClientChannel & Partial<SocketExtras>;
  const self = (): net.Socket => s as unknown as net.Socket;
  s.setTimeout ??= self;
  s.setNoDelay ??= self;
  s.setKeepAlive ??= self;
  s.ref ??= self;
  s.unref ??= self;
  return s;
}

/**
 * An http.Agent whose "connections" are SSH channels to the pool host's loopback. node:http only
 * needs a Duplex to write requests to and parse responses from, and an ssh2 channel is one, so
 * `http.request(url, { agent })` works exactly as for a local worker: the response streams as
 * the worker writes it (SSE included), with no extra local hop or buffering. No keep-alive: a
 * channel opens in ~2-4 ms on the live connection, and each request gets a fresh one.
 * `options.host` is resolved on the pool host (use 127.0.0.1, where workers listen).
 */
export class SshTunnelAgent extends http.Agent {
  constructor(private readonly session: SshSession) {
    super({ keepAlive: false });
  }

  override createConnection(
    options: ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): undefined {
    const host = options.host ?? options.hostname ?? '127.0.0.1';
    openChannel(this.session, host, Number(options.port)).then(
      (channel) => callback?.(null, asSocket(channel)),
      (err: Error) => callback?.(err, undefined as unknown as Duplex),
    );
    return undefined;
  }
}

const agents = new WeakMap<SshSession, SshTunnelAgent>();

/** One agent per session, so every caller shares the same one. */
export function tunnelAgent(session: SshSession): SshTunnelAgent {
  let agent = agents.get(session);
  if (!agent) {
    agent = new SshTunnelAgent(session);
    agents.set(session, agent);
  }
  return agent;
}

export interface TunnelRequest {
  method?: string;
  /** Path and query, e.g. `/v1/chat?x=1`. */
  path: string;
  headers?: OutgoingHttpHeaders;
  body?: string | Uint8Array | AsyncIterable<Uint8Array>;
  /** Aborting closes the channel: the worker sees its client go away. */
  signal?: AbortSignal;
}

/**
 * Sends one request to the worker listening on 127.0.0.1:`port` on the session's host; resolves
 * with the response as soon as its headers arrive (the body streams). Rejects with an RbeesError:
 * WORKER_UNAVAILABLE (nothing listens), CANCELLED, or the session's connection error.
 */
export function forwardRequest(
  session: SshSession,
  port: number,
  req: TunnelRequest,
): Promise<IncomingMessage> {
  const name = session.host.name;
  return new Promise<IncomingMessage>((resolve, reject) => {
    const request = http.request({
      agent: tunnelAgent(session),
      host: '127.0.0.1',
      port,
      method: req.method ?? 'GET',
      path: req.path,
      headers: req.headers,
      ...(req.signal ? { signal: req.signal } : {}),
    });
    request.once('response', resolve);
    request.once('error', (err) => {
      if (req.signal?.aborted) {
        reject(new RbeesError('CANCELLED', `${name}: ${req.path} on port ${port} was cancelled`));
      } else if (err instanceof RbeesError) {
        reject(err);
      } else {
        reject(
          new RbeesError('WORKER_UNAVAILABLE', `${name}: port ${port}: ${err.message}`, {
            host: name,
            port,
          }),
        );
      }
    });
    const { body } = req;
    if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) {
      request.end(body);
    } else {
      // pipe() respects the channel's flow control: a large body is never held whole.
      Readable.from(body)
        .on('error', (e) => request.destroy(e))
        .pipe(request);
    }
  });
}

/** A local TCP listener that forwards each connection to a port on the pool host's loopback. */
export interface LocalTunnel {
  /** 127.0.0.1:`port` here reaches 127.0.0.1:`remotePort` there. */
  port: number;
  /** Stops listening and closes every forwarded connection. */
  close(): Promise<void>;
}

/**
 * For clients that need a real address (a browser, a third-party tool); the daemon's own requests
 * should use `forwardRequest`/`SshTunnelAgent`, which skip this extra local hop.
 */
export async function openLocalTunnel(
  session: SshSession,
  remotePort: number,
): Promise<LocalTunnel> {
  const open = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    open.add(socket);
    socket.setNoDelay(true);
    socket.once('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
    openChannel(session, '127.0.0.1', remotePort).then(
      (channel) => {
        if (socket.destroyed) return channel.close();
        socket.pipe(channel).pipe(socket);
        channel.once('close', () => socket.destroy());
        socket.once('close', () => channel.close());
      },
      () => socket.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
