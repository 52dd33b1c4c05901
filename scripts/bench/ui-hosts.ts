import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from '@playwright/test';
import { API } from '../../src/shared/api';
import { installLauncher } from '../../src/main/cli/test-cli';
import { startDaemonProcess, type DaemonProcess } from '../testing/daemon-process';
import { startTestHosts } from '../testing/test-hosts';
import { median } from './stats';
import type { ViewportSize } from './ui-chat';
import {
  describeSmoothness,
  mark,
  probeFromNavigation,
  readProbe,
  smoothness,
  target,
  waitForMark,
} from './ui-probe';

const HOSTS = 10;
const RUNS = 5;
const REMOTE_CARD = '[data-testid="host-card"]:not([data-state="local"])';

/**
 * Cold start in headless mode: a fresh browser context (no cache, no storage but the view a
 * person left the app on, Hosts) opens the daemon's address until the 10 hosts' cards show, and
 * until each shows its agent's figures. The hosts are real: an sshd each in its own network
 * namespace, added, trusted and online with the agent before the page opens.
 */
export async function benchUiHosts(browser: Browser, viewport: ViewportSize): Promise<void> {
  const hosts = await startTestHosts({ count: HOSTS });
  const dir = await mkdtemp(join(tmpdir(), 'rbees-bench-ui-'));
  let daemon: DaemonProcess | undefined;
  try {
    await chmod(dir, 0o755); // the hosts' login user runs the agent's launcher from here
    const agentDir = join(dir, 'agent');
    await installLauncher(agentDir);
    daemon = await startDaemonProcess({
      env: { RBEES_SSH_KNOWN_HOSTS: join(dir, 'none'), SSH_AUTH_SOCK: '' },
    });
    const names = hosts.hosts.map((_, i) => `bench-${String(i + 1).padStart(2, '0')}`);
    for (const [i, host] of hosts.hosts.entries()) {
      const name = names[i] ?? '';
      await expectStatus(
        daemon.call('POST', API.hosts, {
          name,
          spec: `${host.user}@${host.address}:${host.port}`,
          identity_file: host.clientKeyPath,
          agent_dir: agentDir,
        }),
        201,
        `add ${name}`,
      );
      await expectStatus(
        daemon.call('POST', API.hostTrust(name), { fingerprint: host.hostKeyFingerprint }),
        200,
        `trust ${name}`,
      );
    }
    await allOnline(daemon, names);

    const marks = [
      { name: 'cards', selector: REMOTE_CARD, count: HOSTS },
      {
        name: 'data',
        selector: `${REMOTE_CARD}[data-state="online"] [data-testid="host-models-count"]`,
        count: HOSTS,
        pattern: '^\\d+$',
      },
    ];
    const runs: { cards: number; data: number; longestTaskMs: number }[] = [];
    // The first load warms the daemon (and fills its status cache): not counted.
    for (let i = 0; i <= RUNS; i++) {
      const context = await browser.newContext({ viewport });
      try {
        // The view a person left the app on (use-app-store.ts keeps it in localStorage).
        await context.addInitScript({
          content: `localStorage.setItem('rbees.app', '{"state":{"view":"hosts"},"version":0}')`,
        });
        const page = await context.newPage();
        await probeFromNavigation(page, marks);
        await page.goto(daemon.openUrl);
        await waitForMark(page, 'data', 30_000);
        const sample = await readProbe(page);
        const data = mark(sample, 'data');
        const s = smoothness(sample, 0, data);
        if (i > 0)
          runs.push({ cards: mark(sample, 'cards'), data, longestTaskMs: s.longestTaskMs });
        console.log(
          `${i === 0 ? '\nui hosts (cold start)' : ''}  ${i === 0 ? 'warm-up' : `run ${i}`}: ` +
            `${HOSTS} host cards shown ${mark(sample, 'cards').toFixed(0)} ms after navigation ` +
            `start, with their data ${data.toFixed(0)} ms; ${describeSmoothness(s)}`,
        );
      } finally {
        await context.close();
      }
    }
    const cards = runs.map((run) => run.cards);
    const data = runs.map((run) => run.data);
    console.log(
      `  ${HOSTS} real hosts (sshd in network namespaces, agents sharing this machine's cores), ` +
        `${RUNS} fresh contexts: cards median ${median(cards).toFixed(0)} ms, max ` +
        `${Math.max(...cards).toFixed(0)} ms; with data median ${median(data).toFixed(0)} ms, ` +
        `max ${Math.max(...data).toFixed(0)} ms (target < 1 s: ${target(Math.max(...data) < 1000)})`,
    );
  } finally {
    await daemon?.stop();
    await hosts.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function allOnline(daemon: DaemonProcess, names: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { json } = await daemon.call('GET', API.hosts);
    const list = (json.hosts ?? []) as { name: string; state: string }[];
    const offline = names.filter((name) => list.find((h) => h.name === name)?.state !== 'online');
    if (offline.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`hosts not online after 60 s: ${offline.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function expectStatus(
  answer: ReturnType<DaemonProcess['call']>,
  status: number,
  what: string,
): Promise<void> {
  const { status: got, json } = await answer;
  if (got !== status) throw new Error(`${what}: HTTP ${got} ${JSON.stringify(json)}`);
}
