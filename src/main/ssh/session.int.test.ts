import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestHosts } from '../../../scripts/testing/test-hosts';
import type { TestHost, TestHosts } from '../../../scripts/testing/test-hosts';
import { RbeesError } from '../../shared/errors';
import { SshSession } from './session';
import { poolCommand } from './shell-quote';
import { collect, hostOptions, socketsTo } from '../../../scripts/testing/ssh-session';

let th: TestHosts | undefined;
const dir = mkdtempSync(join(tmpdir(), 'rbees-ssh-int-'));
const sessions: SshSession[] = [];
beforeAll(async () => {
  th = await startTestHosts({ count: 2 });
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await th?.stop();
  rmSync(dir, { recursive: true, force: true });
});
const host = (i: number): TestHost => {
  const h = th?.hosts[i];
  if (!h) throw new Error(`test host ${i} did not start`);
  return h;
};
function session(h: TestHost, knownDir = dir): SshSession {
  const s = new SshSession(hostOptions(h, knownDir));
  sessions.push(s);
  return s;
}
/** A session to host 0 whose key is trusted (in a known_hosts dir of its own). */
async function trusted(): Promise<SshSession> {
  const s = session(host(0), mkdtempSync(join(dir, 'trusted-')));
  await s.trust(host(0).hostKeyFingerprint);
  return s;
}

describe('SshSession host keys', () => {
  it('refuses an unknown host key with its fingerprint, and runs nothing', async () => {
    const h = host(0);
    const s = session(h);
    const marker = join(h.home, 'ran');
    const err: unknown = await collect(s.exec(`touch ${marker}`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RbeesError);
    expect(err).toMatchObject({
      code: 'SSH_HOSTKEY_UNKNOWN',
      details: {
        host: h.address,
        port: h.port,
        fingerprint: h.hostKeyFingerprint,
        key_type: 'ssh-ed25519',
      },
    });
    expect(s.status).toMatchObject({ state: 'offline', retryInMs: null });
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(dir, 'rbees_known_hosts'))).toBe(false);
  });

  it('trusts only the confirmed fingerprint, then connects and remembers the key', async () => {
    const h = host(0);
    const s = session(h);
    await expect(s.trust(host(1).hostKeyFingerprint)).rejects.toMatchObject({
      code: 'SSH_HOSTKEY_UNKNOWN',
    });
    expect(existsSync(join(dir, 'rbees_known_hosts'))).toBe(false);
    const t0 = performance.now();
    await s.trust(h.hostKeyFingerprint);
    console.log(`connect + auth (trust) to ${h.name}: ${(performance.now() - t0).toFixed(0)} ms`);
    expect(s.state).toBe('online');
    expect(readFileSync(join(dir, 'rbees_known_hosts'), 'utf8')).toBe(
      `${h.address} ${h.hostKey}\n`,
    );
    // A new session needs no trust now.
    const again = session(h);
    const t1 = performance.now();
    await again.connect();
    console.log(`connect + auth (known key): ${(performance.now() - t1).toFixed(0)} ms`);
    expect((await collect(again.exec('echo ok'))).out).toEqual(['ok']);
  });

  it('refuses a host whose key changed since it was trusted', async () => {
    const h = host(1);
    const first = session(h);
    await first.trust(h.hostKeyFingerprint);
    await first.close();
    const oldFingerprint = h.hostKeyFingerprint;
    await h.restart({ newHostKey: true });
    expect(h.hostKeyFingerprint).not.toBe(oldFingerprint);
    const s = session(h);
    const err = await s.connect().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SSH_HOSTKEY_MISMATCH' });
    expect((err as RbeesError).message).toContain(`host key changed (${h.hostKeyFingerprint})`);
    // Confirming the new fingerprint does not override the known key either.
    await expect(s.trust(h.hostKeyFingerprint)).rejects.toMatchObject({
      code: 'SSH_HOSTKEY_MISMATCH',
    });
    expect(s.status.retryInMs).toBeNull();
  });
});

describe('SshSession exec', () => {
  it('streams stdout and stderr lines as they come', async () => {
    const s = await trusted();
    const proc = s.exec(
      'for i in 1 2 3 4 5; do echo "out $i"; echo "err $i" >&2; sleep 0.1; done; printf tail',
    );
    const arrivals: { stream: string; line: string; at: number }[] = [];
    const start = performance.now();
    for await (const l of proc.lines) arrivals.push({ ...l, at: performance.now() - start });
    expect(await proc.exit).toEqual({ code: 0, signal: null });
    const of = (stream: string) => arrivals.filter((a) => a.stream === stream).map((a) => a.line);
    expect(of('stdout')).toEqual(['out 1', 'out 2', 'out 3', 'out 4', 'out 5', 'tail']);
    expect(of('stderr')).toEqual(['err 1', 'err 2', 'err 3', 'err 4', 'err 5']);
    // Each "err i" comes before "out i+1": the two streams interleave in time.
    const at = (line: string) => arrivals.findIndex((a) => a.line === line);
    for (let i = 1; i < 5; i++) expect(at(`err ${i}`)).toBeLessThan(at(`out ${i + 1}`));
    const first = arrivals[0]?.at ?? 0;
    const fifth = arrivals.find((a) => a.line === 'out 5')?.at ?? 0;
    expect(fifth - first).toBeGreaterThan(300); // Arrived incrementally, not all at the end.
  });

  it('reports exit codes and signals', async () => {
    const s = await trusted();
    expect(await collect(s.exec('true'))).toMatchObject({ code: 0, signal: null });
    expect(await collect(s.exec('echo x; exit 3'))).toEqual({
      out: ['x'],
      err: [],
      code: 3,
      signal: null,
    });
    expect(await collect(s.exec('kill -TERM $$'))).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(await collect(s.exec('pwd', { cwd: '/tmp' }))).toMatchObject({ out: ['/tmp'] });
  });

  it('kills the remote command on abort', async () => {
    const s = await trusted();
    const ac = new AbortController();
    // poolCommand's `exec` makes the command the session's process, which receives the TERM.
    const proc = s.exec(poolCommand('/', ['1234.5'], 'sleep'), { signal: ac.signal });
    // `[.]` keeps the pgrep from matching its own command line.
    const running = async () =>
      (await collect(s.exec('pgrep -f "sleep 1234[.]5" || true'))).out.length;
    for (let i = 0; i < 100 && (await running()) === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await running()).toBe(1);
    ac.abort();
    await expect(proc.exit).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(collect(proc)).rejects.toMatchObject({ code: 'CANCELLED' });
    for (let i = 0; i < 100 && (await running()) > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await running()).toBe(0);
  });

  it('runs 50 execs in parallel on one connection', async () => {
    const s = await trusted();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => collect(s.exec(`echo ${i}; sleep 0.2`))),
    );
    results.forEach((r, i) =>
      expect(r).toEqual({ out: [String(i)], err: [], code: 0, signal: null }),
    );
    expect(await socketsTo(host(0).address, host(0).port)).toHaveLength(1);
  });

  it('reuses the connection: 20 sequential execs (p50 logged)', async () => {
    const s = await trusted();
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      expect((await collect(s.exec('true'))).code).toBe(0);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(
      `exec on a reused session: p50 ${times[10]?.toFixed(1)} ms, max ${times[19]?.toFixed(1)} ms`,
    );
    expect(await socketsTo(host(0).address, host(0).port)).toHaveLength(1);
  });

  it('close() leaves no socket and fails later execs', async () => {
    const s = await trusted();
    const h = host(0);
    await collect(s.exec('true'));
    expect(await socketsTo(h.address, h.port)).toHaveLength(1);
    await s.close();
    expect(s.state).toBe('closed');
    expect(await socketsTo(h.address, h.port)).toEqual([]);
    await expect(collect(s.exec('true'))).rejects.toMatchObject({ code: 'SSH_CONNECT_FAILED' });
  });
});
