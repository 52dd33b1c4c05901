import type { Browser, Page } from '@playwright/test';
import { testModelsDir } from '../test-models';
import { ensureModelFile } from '../test-models/model-file';
import { KIND_DEFAULTS } from '../test-models/standard-models';
import { startDaemonProcess } from '../testing/daemon-process';
import { median } from './stats';
import {
  describeSmoothness,
  mark,
  probeNow,
  readProbe,
  smoothness,
  target,
  waitForMark,
  type Smoothness,
} from './ui-probe';
import { describeLoad, sampleLoad } from './ui-load';
import { describeTrace, startTrace, stopTrace, type TracedTask } from './ui-trace';

const TOKENS = 2000;
const RUNS = 3;
const MODEL = 'count-2000';
/** One unique token per number (~2,010 in all): the reply is cut at max tokens, never by EOS. */
const COUNT_TEXT = `Counting to ${TOKENS} for the UI benchmark: ${Array.from(
  { length: TOKENS },
  (_, i) => i + 1,
).join(', ')}. Done.`;
const ASSISTANT = '[data-testid="message-assistant"]';

interface ChatRun extends Smoothness {
  tokens: number;
  /** Tokens over first text on screen → done. */
  seenRate: number;
  /** What the reply's stats line says (the daemon's own figure). */
  reportedRate: string;
  traced: TracedTask[];
  load: string;
}

/**
 * A reply streamed at the tiny model's full speed into the chat view: the tiny shape (0.6M
 * parameters, f32) as a script model with a 4,096 vocab, so that it says 2,000 distinct tokens
 * (a random model stops at EOS early, and its blank tokens add no text). Sampling-independent:
 * every run streams exactly the same text.
 */
export async function benchUiChat(browser: Browser, viewport: ViewportSize): Promise<void> {
  const model = await ensureModelFile(testModelsDir(), {
    ...KIND_DEFAULTS.script,
    name: MODEL,
    vocab: 4096,
    script: COUNT_TEXT,
  });
  const daemon = await startDaemonProcess({ models: [{ path: model.path, as: `${MODEL}.gguf` }] });
  const context = await browser.newContext({ viewport });
  try {
    const page = await context.newPage();
    await page.goto(daemon.openUrl);
    await page.getByRole('button', { name: 'Chat', exact: true }).click();
    await page.getByRole('combobox', { name: 'Model' }).selectOption(MODEL);
    await setMaxTokens(page, TOKENS);
    const runs: ChatRun[] = [];
    // The first run loads the model into a worker and warms the page's code: not counted.
    for (let i = 0; i <= RUNS; i++) {
      const run = await streamOnce(page);
      if (i > 0) runs.push(run);
    }
    console.log(
      `\nui chat: a ${TOKENS}-token reply streamed into the chat view (model ${MODEL}: tiny ` +
        `shape, script of ${TOKENS} distinct tokens), ${RUNS} runs after a warm-up, send → done`,
    );
    runs.forEach((run, i) =>
      console.log(
        `  run ${i + 1}: ${run.tokens} tokens in ${run.ms.toFixed(0)} ms, ` +
          `${run.seenRate.toFixed(0)} tok/s seen (reply stats: ${run.reportedRate}), ` +
          describeSmoothness(run) +
          describeTrace(run.traced) +
          run.load,
      ),
    );
    const worst = Math.max(...runs.map((run) => run.longestTaskMs));
    console.log(
      `  median ${median(runs.map((run) => run.seenRate)).toFixed(0)} tok/s seen; ` +
        `longest task of all runs ${worst.toFixed(0)} ms (target: no task over 50 ms: ${target(worst <= 50)})`,
    );
  } finally {
    await context.close();
    await daemon.stop();
  }
}

export interface ViewportSize {
  width: number;
  height: number;
}

async function setMaxTokens(page: Page, tokens: number): Promise<void> {
  const toggle = page.getByRole('button', { name: 'Settings', exact: true });
  const wasOpen = (await toggle.getAttribute('aria-expanded')) === 'true';
  if (!wasOpen) await toggle.click();
  const field = page.getByLabel('Max tokens');
  await field.fill(String(tokens));
  await field.blur();
  const value = await field.inputValue();
  if (value !== String(tokens)) throw new Error(`max tokens shows ${value}, not ${tokens}`);
  if (!wasOpen) await toggle.click(); // the layout a person chats in
}

async function streamOnce(page: Page): Promise<ChatRun> {
  await page.getByRole('button', { name: 'New conversation' }).click();
  await page.getByLabel('Message').fill(`Count to ${TOKENS}, please.`);
  await probeNow(page, [
    { name: 'first', selector: ASSISTANT, pattern: 'Counting' },
    { name: 'done', selector: `${ASSISTANT}[data-status="done"]` },
  ]);
  const browser = page.context().browser();
  if (browser) await startTrace(browser, page);
  const loadFrom = sampleLoad();
  await page.getByRole('button', { name: 'Send' }).click();
  await waitForMark(page, 'done', 120_000, '[data-testid="message-error"]');
  const load = describeLoad(loadFrom, sampleLoad());
  const traced = browser ? await stopTrace(browser) : [];
  const sample = await readProbe(page);
  if (!('done' in sample.marks)) {
    const error = await page.getByTestId('message-error').innerText();
    throw new Error(`the reply failed: ${error}`);
  }
  const reply = page.locator(ASSISTANT).last();
  const tokensText = await reply.locator('[data-stat="tokens"]').innerText();
  const tokens = Number(tokensText.replace(/\D/g, ''));
  const reportedRate = await reply.locator('[data-stat="rate"]').innerText();
  const first = mark(sample, 'first');
  const done = mark(sample, 'done');
  const sentAt = sample.clickAt ?? first;
  return {
    ...smoothness(sample, sentAt, done),
    tokens,
    seenRate: (tokens / (done - first)) * 1000,
    reportedRate,
    traced,
    load,
  };
}
