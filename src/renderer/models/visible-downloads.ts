import type { DownloadView } from '../../shared/events';

/** Finished downloads stay listed this long: the model row is where a done download lives on. */
export const DONE_VISIBLE_MS = 60 * 60_000;

/**
 * The downloads worth a row: the newest per reference (a Retry starts a new download of the same
 * reference, which replaces the failed one), finished ones only while recent, none dismissed.
 * `downloads` is newest first, as the host lists them.
 */
export function visibleDownloads(
  downloads: readonly DownloadView[],
  dismissed: Readonly<Record<string, true>>,
  now: number,
): DownloadView[] {
  const seen = new Set<string>();
  const shown: DownloadView[] = [];
  for (const download of downloads) {
    // Nameless (not started yet, and not started from here): nothing to show or act on yet.
    if (!download.ref && !download.file) continue;
    const key = download.ref || download.id;
    if (seen.has(key)) continue;
    seen.add(key);
    if (dismissed[download.id]) continue;
    if (download.state === 'done' && now - Date.parse(download.updated_at) > DONE_VISIBLE_MS) {
      continue;
    }
    shown.push(download);
  }
  return shown;
}
