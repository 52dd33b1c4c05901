import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  /** The head and as much of the body as came before the socket closed (or the cap was hit). */
  text: string;
}

/**
 * Sends `request` byte for byte on a new TCP connection (no client library to normalise the
 * target) and reads the answer; the socket is closed once the whole answer, its first `cap` bytes
 * or, with `headOnly`, its head arrived (an event stream would never end).
 */
export function rawRequest(
  port: number,
  request: string | Buffer,
  options: { host?: string; cap?: number; timeoutMs?: number; headOnly?: boolean } = {},
): Promise<RawAnswer> {
  const cap = options.cap ?? 16 * 1024;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: options.host ?? '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (): void => {
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3}) /.exec(text)?.[1]);
      if (Number.isInteger(status)) resolve({ status, text });
      else reject(new Error(`no HTTP answer to ${JSON.stringify(String(request).slice(0, 120))}`));
    };
    socket.setTimeout(options.timeoutMs ?? 10_000, () => finish());
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      const headDone = options.headOnly && Buffer.concat(chunks).includes('\r\n\r\n');
      if (size >= cap || headDone) finish();
    });
    socket.on('end', finish);
    socket.on('error', reject);
    socket.write(request);
  });
}

/** One HTTP/1.1 request as bytes: `Connection: close`, a JSON body with its length when given. */
export function rawHttp(
  method: string,
  target: string,
  headers: Record<string, string>,
  body?: string,
): string {
  const lines = [
    `${method} ${target} HTTP/1.1`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  lines.push('Connection: close');
  if (body !== undefined) {
    lines.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n${body ?? ''}`;
}
