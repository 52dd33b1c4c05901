import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHosts } from '../../../scripts/testing/test-hosts';
import type { TestHosts } from '../../../scripts/testing/test-hosts';
import { SshSession } from './session';
import type { SessionStatus } from './session';
import { collect, hostOptions, socketsTo } from '../../../scripts/testing/ssh-session';

const asRoot = process.getuid?.() === 0;
let th: TestHosts | undefined;
let session: SshSession | undefined;
const dir = mkdtempSync(join(tmpdir(), 'rbees-ssh-link-'));
beforeAll(async () => {
  if (asRoot) th = await startTestHosts({ count: 1 });
});
afterAll(async () => {
  await session?.close();
  await th?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function waitFor(
  s: SshSession,
  want: (st: SessionStatus) => boolean,
  ms: number,
): Promise<SessionStatus> {
  return new Promise((resolve, reject) => {
    if (want(s.status)) return resolve(s.status);
    const timer = setTimeout(() => {
      off();
      reject(new Error(`state stayed ${s.state} for ${ms} ms`));
    }, ms);
    const off = s.onState((st) => {
      if (!want(st)) return;
      clearTimeout(timer);
      off();
      resolve(st);
    });
  });
}

// Cutting a link needs a network namespace, hence root (CI runs as root).
describe.skipIf(!asRoot)('SshSession over a link that goes down', () => {
  it('goes offline after missed keepalives and reconnects by itself', async () => {
    const h = th?.hosts[0];
    if (!h) throw new Error('test host did not start');
    const s = (session = new SshSession(hostOptions(h, dir)));
    const seen: SessionStatus[] = [];
    s.onState((st) => seen.push(st));
    await s.trust(h.hostKeyFingerprint);
    expect((await collect(s.exec('echo up'))).out).toEqual(['up']);

    await h.setLink(false);
    const cutAt = performance.now();
    const offline = await waitFor(s, (st) => st.state === 'offline', 30_000);
    const noticed = performance.now() - cutAt;
    console.log(
      `dead link noticed after ${(noticed / 1000).toFixed(1)} s: ${offline.reason?.message}`,
    );
    expect(offline.reason?.code).toBe('SSH_TIMEOUT');
    expect(offline.retryInMs).toBe(1000);
    expect(noticed).toBeGreaterThan(9_000); // Keepalive misses, not an instant guess.
    // While offline, execs fail at once with the reason instead of hanging.
    await expect(collect(s.exec('true'))).rejects.toMatchObject({ code: 'SSH_TIMEOUT' });

    await h.setLink(true);
    const restoredAt = performance.now();
    await waitFor(s, (st) => st.state === 'online', 30_000);
    console.log(
      `reconnected ${((performance.now() - restoredAt) / 1000).toFixed(1)} s after the link came back`,
    );
    expect((await collect(s.exec('echo again'))).out).toEqual(['again']);
    expect(seen.map((st) => st.state)).toEqual(
      expect.arrayContaining(['connecting', 'online', 'offline', 'reconnecting']),
    );
    expect(await socketsTo(h.address, h.port)).toHaveLength(1);
  }, 60_000);
});
