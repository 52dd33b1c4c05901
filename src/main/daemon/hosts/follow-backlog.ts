import type { AgentLine } from './agent-calls';

/** What a shared follower keeps of its agent's lines, so that a reader who joins late catches up. */
export interface Backlog {
  push(line: AgentLine): void;
  /** What a new reader is sent first; `wanted` is its own `lines` (undefined: all that is kept). */
  recent(wanted: number | undefined): AgentLine[];
}

/**
 * The last `maxLines` lines, and no more than about `maxBytes` of them (a worker printing huge
 * lines must not make its log's followers huge). A ring: pushing is O(1) whatever the rate.
 */
export class LineBacklog implements Backlog {
  private readonly ring: (AgentLine | undefined)[];
  private readonly sizes: number[];
  private start = 0;
  private count = 0;
  private bytes = 0;

  constructor(
    private readonly maxLines: number,
    private readonly maxBytes: number,
  ) {
    this.ring = new Array<AgentLine | undefined>(maxLines);
    this.sizes = new Array<number>(maxLines).fill(0);
  }

  push(line: AgentLine): void {
    const text = (line as { line?: unknown }).line;
    const size = typeof text === 'string' ? text.length + 64 : 256;
    if (this.count === this.maxLines) this.dropOldest();
    const at = (this.start + this.count) % this.maxLines;
    this.ring[at] = line;
    this.sizes[at] = size;
    this.count++;
    this.bytes += size;
    while (this.bytes > this.maxBytes && this.count > 1) this.dropOldest();
  }

  recent(wanted: number | undefined): AgentLine[] {
    const n = Math.min(wanted ?? this.count, this.count);
    const out: AgentLine[] = [];
    for (let i = this.count - n; i < this.count; i++) {
      out.push(this.ring[(this.start + i) % this.maxLines] as AgentLine);
    }
    return out;
  }

  private dropOldest(): void {
    this.bytes -= this.sizes[this.start] ?? 0;
    this.ring[this.start] = undefined;
    this.start = (this.start + 1) % this.maxLines;
    this.count--;
  }
}

/**
 * A download's events: each `progress` says all there is to know (bytes so far, total, rate), so
 * only the latest is kept after the others (`start`), which a new reader gets in their order.
 */
export class ProgressBacklog implements Backlog {
  private readonly kept: AgentLine[] = [];
  private progress: AgentLine | undefined;

  constructor(private readonly maxOthers = 100) {}

  push(line: AgentLine): void {
    if (line.event === 'progress') this.progress = line;
    else if (this.kept.length < this.maxOthers) this.kept.push(line);
  }

  recent(): AgentLine[] {
    return this.progress ? [...this.kept, this.progress] : [...this.kept];
  }
}
