import { describe, expect, it } from 'vitest';
import type { DownloadView } from '../../shared/events';
import { DONE_VISIBLE_MS, visibleDownloads } from './visible-downloads';

const NOW = Date.parse('2025-01-01T12:00:00Z');

function download(id: string, ref: string, state: DownloadView['state'], agoMs = 0): DownloadView {
  const at = new Date(NOW - agoMs).toISOString();
  return {
    id,
    ref,
    file: `${ref}.gguf`,
    state,
    bytes: 0,
    total: null,
    pid: null,
    started_at: at,
    updated_at: at,
    bytes_per_sec: null,
    eta_s: null,
  };
}

describe('visibleDownloads', () => {
  it('keeps only the newest download of each reference: a Retry replaces the failed row', () => {
    const list = [download('b', 'tinyllama', 'running'), download('a', 'tinyllama', 'failed')];
    expect(visibleDownloads(list, {}, NOW).map((d) => d.id)).toEqual(['b']);
  });

  it('hides finished downloads once old, but never running or failed ones', () => {
    const old = DONE_VISIBLE_MS + 1;
    const list = [
      download('1', 'a', 'done', 1000),
      download('2', 'b', 'done', old),
      download('3', 'c', 'failed', old),
      download('4', 'd', 'running', old),
    ];
    expect(visibleDownloads(list, {}, NOW).map((d) => d.id)).toEqual(['1', '3', '4']);
  });

  it('leaves out dismissed downloads without showing an older one of the same reference', () => {
    const list = [download('b', 'x', 'cancelled'), download('a', 'x', 'failed')];
    expect(visibleDownloads(list, { b: true }, NOW)).toEqual([]);
  });
});
