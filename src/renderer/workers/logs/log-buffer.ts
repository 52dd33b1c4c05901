/**
 * The lines of one worker's log, for a virtualized view. Pure (no DOM), so it is unit-tested in
 * node and usable from a worker thread later.
 *
 * Lines have absolute numbers: the first line ever appended is 0, and numbers survive the cap
 * dropping the oldest ones (the view shows them as line numbers). A "view index" counts the lines
 * currently shown: all kept lines, or the matches of the filter.
 */

/** Lines per chunk: appends never copy more than one chunk, and dropping the oldest is O(1). */
const CHUNK = 4096;

export const DEFAULT_LOG_CAP = 500_000;

/** One line as the view shows it. */
export interface LogLine {
  /** Absolute line number, from 0. */
  n: number;
  text: string;
}

export class LogBuffer {
  private chunks: string[][] = [];
  /** Lines of `chunks[0]` already dropped by the cap. */
  private head = 0;
  private dropped = 0;
  private total = 0;

  private needle = '';
  private matcher: RegExp | undefined;
  /** Absolute numbers of the kept lines that match, ascending; `matchHead` skips dropped ones. */
  private matches: number[] = [];
  private matchHead = 0;
  /** Lines below this absolute number have been tested against the filter. */
  private scanned = 0;

  private listeners = new Set<() => void>();
  /** Bumped on every change; React reads it through useSyncExternalStore. */
  version = 0;

  constructor(readonly cap = DEFAULT_LOG_CAP) {
    if (cap < 1) throw new Error(`A log buffer must keep at least one line, not ${cap}.`);
  }

  /** Absolute number of the oldest kept line (= how many were dropped). */
  get start(): number {
    return this.dropped;
  }

  /** Absolute number one past the newest line (= how many were ever appended). */
  get end(): number {
    return this.total;
  }

  get size(): number {
    return this.total - this.dropped;
  }

  get query(): string {
    return this.needle;
  }

  /** True while a new filter is still being applied to older lines (see `scan`). */
  get scanning(): boolean {
    return this.needle !== '' && this.scanned < this.total;
  }

  append(lines: readonly string[]): void {
    if (lines.length === 0) return;
    const caughtUp = this.scanned === this.total;
    for (let i = 0; i < lines.length;) {
      let last = this.chunks.at(-1);
      if (!last || last.length === CHUNK) {
        last = [];
        this.chunks.push(last);
      }
      const take = Math.min(CHUNK - last.length, lines.length - i);
      for (let k = 0; k < take; k++) last.push(lines[i + k] as string);
      i += take;
    }
    this.total += lines.length;
    this.enforceCap();
    // New lines are tested as they arrive, unless a rescan is still on its way to them.
    if (caughtUp) this.scanRange(this.total);
    this.changed();
  }

  /**
   * Sets the filter (case-insensitive substring; '' shows everything). Matching the lines already
   * kept is left to `scan`, so a caller can spread it over several tasks.
   */
  setQuery(query: string): void {
    if (query === this.needle) return;
    this.needle = query;
    // A case-insensitive regexp tests a line without allocating a lowercased copy of it; the two
    // are compared in log-buffer.test.ts's output.
    this.matcher = query === '' ? undefined : new RegExp(escapeRegExp(query), 'i');
    this.matches = [];
    this.matchHead = 0;
    this.scanned = query === '' ? this.total : this.dropped;
    this.changed();
  }

  /**
   * Tests more lines against the filter: up to `maxLines`, stopping early once `budgetMs` have
   * passed (checked every 1,024 lines). True when it has caught up. A time budget, not only a
   * line count: the first scan runs cold (the regexp and this loop not yet compiled) and is
   * several times slower than the next ones.
   */
  scan(maxLines = Infinity, budgetMs = Infinity): boolean {
    if (!this.scanning) return true;
    const deadline = performance.now() + budgetMs;
    const to = Math.min(this.total, this.scanned + maxLines);
    while (this.scanned < to) {
      this.scanRange(Math.min(to, this.scanned + 1024));
      if (performance.now() >= deadline) break;
    }
    this.changed();
    return !this.scanning;
  }

  /** How many lines the view shows, counting only lines below `limit` (a paused view). */
  viewCount(limit = this.total): number {
    if (this.needle === '') return Math.max(0, Math.min(limit, this.total) - this.dropped);
    return lowerBound(this.matches, limit, this.matchHead, this.matches.length) - this.matchHead;
  }

  /** The view's lines `from` to `to` (exclusive). */
  viewRange(from: number, to: number): LogLine[] {
    const out: LogLine[] = [];
    for (let i = Math.max(0, from); i < to; i++) {
      const n = this.needle === '' ? this.dropped + i : this.matches[this.matchHead + i];
      if (n === undefined || n >= this.total) break;
      out.push({ n, text: this.line(n) });
    }
    return out;
  }

  /** The view's lines below `limit` as one text, for the clipboard. */
  viewText(limit = this.total): string {
    const count = this.viewCount(limit);
    const parts: string[] = new Array<string>(count);
    for (let i = 0; i < count; i++) {
      const n =
        this.needle === '' ? this.dropped + i : (this.matches[this.matchHead + i] as number);
      parts[i] = this.line(n);
    }
    return parts.join('\n');
  }

  /** The text of kept line `n` (absolute). */
  line(n: number): string {
    const offset = n - this.dropped + this.head;
    if (n < this.dropped || n >= this.total) throw new RangeError(`Line ${n} is not kept.`);
    return this.chunks[Math.floor(offset / CHUNK)]?.[offset % CHUNK] as string;
  }

  /** The last `count` kept lines (oldest first). */
  tail(count: number): string[] {
    const from = Math.max(this.dropped, this.total - count);
    const out: string[] = [];
    for (let n = from; n < this.total; n++) out.push(this.line(n));
    return out;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  private scanRange(to: number): void {
    const re = this.matcher;
    if (!re) {
      this.scanned = to;
      return;
    }
    let n = Math.max(this.scanned, this.dropped);
    while (n < to) {
      const offset = n - this.dropped + this.head;
      const chunk = this.chunks[Math.floor(offset / CHUNK)] as string[];
      const stop = Math.min(to - n + (offset % CHUNK), chunk.length);
      for (let k = offset % CHUNK; k < stop; k++, n++) {
        if (re.test(chunk[k] as string)) this.matches.push(n);
      }
    }
    this.scanned = to;
  }

  private enforceCap(): void {
    let excess = this.size - this.cap;
    while (excess > 0) {
      const first = this.chunks[0] as string[];
      const take = Math.min(excess, first.length - this.head);
      this.head += take;
      this.dropped += take;
      excess -= take;
      if (this.head === first.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    while (
      this.matchHead < this.matches.length &&
      (this.matches[this.matchHead] as number) < this.dropped
    ) {
      this.matchHead++;
    }
    // Compact now and then, so dropped matches do not pile up (amortized O(1) per match).
    if (this.matchHead > 4096 && this.matchHead * 2 > this.matches.length) {
      this.matches = this.matches.slice(this.matchHead);
      this.matchHead = 0;
    }
    if (this.scanned < this.dropped) this.scanned = this.dropped;
  }

  private changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }
}

function lowerBound(values: number[], target: number, from: number, to: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
