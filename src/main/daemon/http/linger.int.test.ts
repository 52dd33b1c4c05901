/**
 * An upload refused at its first bytes (not GGUF) while the client is still sending: the built
 * daemon answers, then reads and drops the rest, so the client's writes do not fail before it has
 * read why. Before, the daemon closed the connection at once, and a client still writing got EPIPE
 * (a full `npm test` run failed so in cluster.int's upload test).
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemonProcess, type DaemonProcess } from '../../../../scripts/testing/daemon-process';
import { API } from '../../../shared/api';

let daemon: DaemonProcess;
beforeAll(async () => {
  daemon = await startDaemonProcess();
});
afterAll(async () => {
  await daemon?.stop();
});

const CHUNK = Buffer.alloc(64 * 1024, 'x');

function write(socket: Socket, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    socket.write(data, (err) => (err ? reject(err) : resolve())),
  );
}

describe('an upload refused while the client is still sending', () => {
  it('answers why, takes the rest of the body, and keeps the connection usable', async () => {
    const { port } = new URL(daemon.url);
    const socket = connect({ host: '127.0.0.1', port: Number(port) });
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    const failure = new Promise<Error>((resolve) => socket.once('error', resolve));
    const chunks = 16;
    await write(
      socket,
      Buffer.from(
        `PUT ${API.hostModel('local', 'notes.gguf')} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
          `Authorization: Bearer ${daemon.token}\r\nContent-Type: application/octet-stream\r\n` +
          `Content-Length: ${chunks * CHUNK.length}\r\n\r\n`,
      ),
    );
    await write(socket, CHUNK);
    const deadline = Date.now() + 10_000;
    while (!received.includes('not a GGUF model') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(received).toMatch(/^HTTP\/1\.1 400 /);
    // The client goes on sending what it meant to: nothing of it fails.
    const wrote = (async () => {
      for (let i = 1; i < chunks; i++) await write(socket, CHUNK);
    })();
    expect(await Promise.race([wrote.then(() => 'written'), failure])).toBe('written');
    // And the same connection carries the next request.
    const before = received.length;
    await write(
      socket,
      Buffer.from(`GET ${API.health} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`),
    );
    while (!received.slice(before).includes('"ok"') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(received.slice(before)).toMatch(/^HTTP\/1\.1 200 [\s\S]*"status":"ok"/);
    socket.destroy();
  });
});
