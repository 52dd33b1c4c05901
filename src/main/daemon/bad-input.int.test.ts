/**
 * What the generated tests (`*.property.test.ts`) found, from the outside: the built daemon over
 * HTTP, this computer's built agent, and a real OpenSSH pool host whose agent prints what a
 * broken or hostile one would.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemonProcess, type DaemonProcess } from '../../../scripts/testing/daemon-process';
import { startPool, type PoolFixture } from '../../../scripts/testing/pool-fixture';
import type { TestHost } from '../../../scripts/testing/test-hosts';
import { API } from '../../shared/api';
import { decodeSse, type SseMessage } from '../../shared/sse';
import { AGENT_BUNDLE, installLauncher } from '../../../scripts/testing/cli-process';
import { rawRequest } from '../../../scripts/testing/raw-http';

describe('this computer, with a model whose id ends in .gguf', () => {
  let daemon: DaemonProcess;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rbees-bad-input-'));
    const file = join(dir, 'weights.bin');
    await writeFile(file, 'not really a model');
    daemon = await startDaemonProcess({ models: [{ path: file, as: 'tiny.gguf.gguf' }] });
  });
  afterAll(async () => {
    await daemon?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the model by the id it lists (it was "not in the models folder")', async () => {
    const listed = await daemon.call('GET', API.hostModels('local'));
    expect(JSON.stringify(listed.json)).toContain('"id":"tiny.gguf"');
    const verified = await daemon.call('POST', API.hostModelVerify('local', 'tiny.gguf'));
    expect(verified.status, JSON.stringify(verified.json)).toBe(200);
    expect(verified.json).toMatchObject({ event: 'verified', id: 'tiny.gguf' });
  });

  it('answers a body over the limit 413 and one it cannot read 415, with the fix (they were 400)', async () => {
    const send = (body: string, type: string) =>
      fetch(`${daemon.url}${API.tasks}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${daemon.token}`, 'content-type': type },
        body,
      });
    // Only the head, as a client about to stream 5 MiB: the answer comes before any body byte.
    const port = new URL(daemon.url).port;
    const head = [
      `POST ${API.tasks} HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
      `Authorization: Bearer ${daemon.token}`,
      'Content-Type: application/json',
      `Content-Length: ${5 * 1024 * 1024}`,
      'Connection: close',
    ];
    const huge = await rawRequest(Number(port), `${head.join('\r\n')}\r\n\r\n`);
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.text.slice(huge.text.indexOf('\r\n\r\n') + 4))).toMatchObject({
      error: {
        code: 'PAYLOAD_TOO_LARGE',
        message: expect.stringContaining('the limit is 4 MiB') as unknown,
      },
    });
    const text = await send('<task/>', 'application/xml');
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({
      error: {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: expect.stringContaining('send Content-Type: application/json') as unknown,
      },
    });
    const badJson = await send('{"prompt": ', 'application/json');
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  });

  it('refuses the download reference "constructor" as a bad reference (it was a 500)', async () => {
    for (const ref of ['constructor', '__proto__']) {
      const answer = await daemon.call('POST', API.hostDownloads('local'), { ref });
      expect(answer.status, JSON.stringify(answer.json)).toBe(400);
      expect(answer.json).toMatchObject({ error: { code: 'BAD_REQUEST' } });
      expect(JSON.stringify(answer.json)).toContain('it is not a known alias');
    }
  });
});

describe('a pool host whose agent prints hostile lines', () => {
  let pool: PoolFixture;
  let host: TestHost;
  beforeAll(async () => {
    pool = await startPool({ hosts: { count: 1 } });
    [host] = pool.hosts as [TestHost];
    const agent = join(pool.dir, 'hostile');
    const { calls } = await installLauncher(agent);
    // `serve` announces itself, then answers a request with `null` and leaves; `worker logs`
    // prints an event name with line breaks in it; the rest is the real agent.
    const forged = JSON.stringify({
      event: 'log\ndata: {"forged":true}\n\nevent: logs_end',
      id: 'w1',
      line: 'hi',
    });
    await writeFile(
      join(agent, 'rbees-pool'),
      [
        '#!/bin/sh',
        `echo "$*" >> ${calls}`,
        'case "$1 $2" in',
        `  "serve --stdio") echo '{"event":"serving","commands":["status"]}'; read -r _; echo null; exit 0 ;;`,
        `  "worker logs") printf '%s\\n' '${forged}'; exit 0 ;;`,
        'esac',
        `exec ${process.execPath} ${AGENT_BUNDLE} "$@"`,
        '',
      ].join('\n'),
    );
    await pool.register('hostile', host, agent);
  }, 120_000);
  afterAll(async () => {
    await pool?.stop();
  });

  it('keeps its connection when serve answers null, and answers by a plain exec', async () => {
    const status = await pool.daemon.call('GET', API.hostStatus('hostile'));
    expect(status.status, JSON.stringify(status.json)).toBe(200);
    expect(status.json).toHaveProperty('gpus');
    expect((await pool.daemon.call('GET', API.health, undefined, null)).status).toBe(200);
  });

  it('relays no event that the agent forged with line breaks in its name', async () => {
    const response = await fetch(`${pool.daemon.url}${API.hostWorkerLogs('hostile', 'w1')}`, {
      headers: { authorization: `Bearer ${pool.daemon.token}` },
    });
    const text = new TextEncoder().encode(await response.text());
    const messages: SseMessage[] = [];
    for await (const m of decodeSse(
      (async function* () {
        yield text;
      })(),
    ))
      messages.push(m);
    expect(messages.map((m) => m.data)).not.toContain('{"forged":true}');
    expect(messages.map((m) => m.event)).not.toContain('logs_end');
    expect(messages.at(-1)).toMatchObject({ event: 'error' });
    // Refused where the daemon reads it (no such log event), before it could reach the relay.
    expect(messages.at(-1)?.data).toContain('AGENT_OUTDATED');
  });
});
