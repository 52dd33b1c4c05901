import type { Browser } from '@playwright/test';
import { startPool } from '../testing/pool-fixture';
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
  const pool = await startPool({ hosts: { count: HOSTS } });
  try {
    const { daemon } = pool;
    const names = pool.hosts.map((_, i) => `bench-${String(i + 1).padStart(2, '0')}`);
    // Each resolves once its host is online, so all are before the first page opens.
    for (const [i, host] of pool.hosts.entries()) await pool.register(names[i] ?? '', host);

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
    await pool.stop();
  }
}
