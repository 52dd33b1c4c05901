/**
 * After a dropped connection the stream is reopened asking for the last `tail.length` lines
 * again, so that lines written during the gap are not lost. Those come back partly as lines the
 * buffer already has: this drops that overlap, the longest prefix of the new stream that equals
 * a suffix of `tail`.
 *
 * Why it settles within `tail.length` lines: the reply starts at line F - k of the log (F its
 * length then, k = tail.length) and the buffer ended at line m ≤ F, so the true overlap begins
 * at tail offset F - m ≥ 0 and ends after at most k lines.
 */
export class OverlapTrimmer {
  /** Offsets in `tail` where the incoming lines still line up. */
  private alive: number[];
  private held: string[] = [];
  /** Length of the longest overlap found so far. */
  private best = 0;
  private settled = false;

  constructor(private readonly tail: readonly string[]) {
    this.alive = tail.map((_, i) => i);
    if (tail.length === 0) this.settled = true;
  }

  /** Takes one incoming line; returns the lines that are new, in order. */
  push(line: string): string[] {
    if (this.settled) return [line];
    const i = this.held.length;
    this.held.push(line);
    const still: number[] = [];
    for (const s of this.alive) {
      if (this.tail[s + i] !== line) continue;
      if (s + i + 1 === this.tail.length) this.best = i + 1;
      else still.push(s);
    }
    this.alive = still;
    // Smaller offsets mean longer overlaps: done once no longer one can still complete.
    return this.alive.length === 0 ? this.settle() : [];
  }

  /** The stream ended or paused for good: whatever is held beyond the overlap is new. */
  settle(): string[] {
    if (this.settled) return [];
    this.settled = true;
    const out = this.held.slice(this.best);
    this.held = [];
    this.alive = [];
    return out;
  }
}
