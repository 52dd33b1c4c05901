/**
 * Drag-and-drop install of model files, against the real daemon, through the `#upload-harness`
 * page (the drop zone alone, until a host's models view wraps itself in one).
 */
import type { Page } from '@playwright/test';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DaemonProcess } from '../scripts/testing/daemon-process';
import { expect, shots, test } from './fixtures';

async function openHarness(page: Page, daemon: DaemonProcess): Promise<string[]> {
  const puts: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'PUT') puts.push(request.url());
  });
  const token = encodeURIComponent(daemon.token);
  await page.goto(`${daemon.url}/#upload-harness=local&token=${token}`);
  await expect(
    page.getByRole('region', { name: 'Drop GGUF files to install on local' }),
  ).toBeVisible();
  return puts;
}

async function listedModels(daemon: DaemonProcess): Promise<string[]> {
  const answer = await daemon.call('GET', '/api/hosts/local/models');
  expect(answer.status).toBe(200);
  return (answer.json.models as { id: string }[]).map((m) => m.id);
}

/** Everything the daemon's models folder ever held while `watch` ran, `.partial` files included. */
function watchFolder(dir: string): { seen: Set<string>; stop: () => void } {
  const seen = new Set<string>(readdirSync(dir));
  const timer = setInterval(() => readdirSync(dir).forEach((f) => seen.add(f)), 5);
  return { seen, stop: () => clearInterval(timer) };
}

test.describe('model upload', () => {
  test('installs a dropped model and refuses what is not one, before sending it', async ({
    page,
    daemon,
    models,
  }) => {
    const modelsDir = join(daemon.home, 'models');
    const before = readdirSync(modelsDir).sort();
    const puts = await openHarness(page, daemon);
    const input = page.getByTestId('upload-input');
    const rows = page.getByTestId('upload-row');

    // Not a GGUF at all: refused with the reason, no request.
    const folder = watchFolder(modelsDir);
    await input.setInputFiles({
      name: 'notes.bin',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from('PK\x03\x04 this is a zip, not a model\n', 'latin1'),
    });
    const notGguf = rows.filter({ hasText: 'notes.bin' });
    await expect(notGguf).toHaveAttribute('data-state', 'refused');
    await expect(notGguf).toContainText(
      'notes.bin is not a GGUF model: it starts with 50 4B 03 04 ("PK..")',
    );

    // The first half of a real model: its header says more than the file holds.
    const script = readFileSync(models.script);
    await input.setInputFiles({
      name: 'half.gguf',
      mimeType: 'application/octet-stream',
      buffer: script.subarray(0, Math.floor(script.length / 2)),
    });
    const half = rows.filter({ hasText: 'half.gguf' });
    await expect(half).toHaveAttribute('data-state', 'refused');
    await expect(half).toContainText('half.gguf is cut short: its tensors need');
    folder.stop();
    expect(puts).toEqual([]);
    expect([...folder.seen].sort()).toEqual(before);
    expect(await listedModels(daemon)).not.toContain('half');

    // A real model: uploaded, verified, listed.
    await input.setInputFiles(models.tiny);
    const tiny = rows.filter({ hasText: 'tiny.gguf' });
    await expect(tiny).toHaveAttribute('data-state', 'done');
    await expect(tiny).toContainText('Installed on local as tiny (llama · F32');
    expect(puts).toHaveLength(1);
    expect(await listedModels(daemon)).toContain('tiny');
    expect(readFileSync(join(modelsDir, 'tiny.gguf')).equals(readFileSync(models.tiny))).toBe(true);

    await shots(page, 'upload-rows');

    // Installing it again: the host's refusal, in words, on the row.
    await input.setInputFiles(models.tiny);
    const again = rows.filter({ hasText: 'tiny.gguf' }).last();
    await expect(again).toHaveAttribute('data-state', 'failed');
    await expect(again).toContainText('delete it first');
    await again.getByRole('button', { name: 'Dismiss' }).click();
    await expect(rows.filter({ hasText: 'tiny.gguf' })).toHaveCount(1);
  });

  test('takes a file dropped on the zone, highlighting it while dragged over', async ({
    page,
    daemon,
    models,
  }) => {
    await openHarness(page, daemon);
    const base64 = readFileSync(models.tiny).toString('base64');
    const dataTransfer = await page.evaluateHandle((data) => {
      // The page's DataTransfer and File, typed by hand: the e2e project has no DOM types.
      const page = globalThis as unknown as {
        DataTransfer: new () => { items: { add: (file: unknown) => void } };
        File: new (parts: Uint8Array[], name: string) => unknown;
      };
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const transfer = new page.DataTransfer();
      transfer.items.add(new page.File([bytes], 'dropped.gguf'));
      return transfer;
    }, base64);
    const zone = page.getByTestId('drop-zone');
    await zone.dispatchEvent('dragenter', { dataTransfer });
    await expect(zone).toHaveAttribute('data-dragging', 'true');
    await shots(page, 'upload-dragging');
    await zone.dispatchEvent('drop', { dataTransfer });
    await expect(zone).not.toHaveAttribute('data-dragging', 'true');
    const row = page.getByTestId('upload-row').filter({ hasText: 'dropped.gguf' });
    await expect(row).toHaveAttribute('data-state', 'done');
    expect(await listedModels(daemon)).toContain('dropped');
  });

  test('cancels an upload midway and leaves nothing on the host', async ({
    page,
    daemon,
    models,
  }) => {
    await openHarness(page, daemon);
    // Slow the upload down so that it is still running when Cancel is pressed.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 4 * 1024 * 1024,
    });
    await page.getByTestId('upload-input').setInputFiles(models.scriptSlow);
    const row = page.getByTestId('upload-row').filter({ hasText: 'script-slow.gguf' });
    await expect(row).toHaveAttribute('data-state', 'uploading');
    await expect(row).toContainText(/Uploading: [1-9]\d*%/);
    await shots(page, 'upload-progress');
    await row.getByRole('button', { name: 'Cancel' }).click();
    await expect(row).toHaveAttribute('data-state', 'cancelled');
    const modelsDir = join(daemon.home, 'models');
    await expect
      .poll(() => readdirSync(modelsDir).filter((f) => f.startsWith('script-slow')))
      .toEqual([]);
    expect(existsSync(join(modelsDir, 'script-slow.gguf'))).toBe(false);
    expect(await listedModels(daemon)).not.toContain('script-slow');
  });
});
