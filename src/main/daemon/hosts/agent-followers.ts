/**
 * Long-running agent commands that many readers share: a followed worker log, a download's
 * events. Each one costs a process on its host and, on a pool host, an SSH session channel
 * (sshd allows 10 per connection by default: followers alone could lock rbees out of its host).
 * So there is one follower per (host, thing followed), whoever reads it, and at most `perHost`
 * distinct ones per host; the next is refused with TOO_MANY_FOLLOWERS naming the limit.
 */
import { RbeesError } from '../../../shared/errors';
import type { z } from 'zod';
import { agentLines, type AgentLine } from './agent-calls';
import type { AgentRunner } from './agent-runner';
import type { Backlog } from './follow-backlog';
import { ReaderQueue } from './follow-reader';

/** One agent command to share, whose lines are L. */
export interface FollowSpec<L extends AgentLine = AgentLine> {
  runner: AgentRunner;
  /** What is followed, unique on its host: `logs/<id>`, `download/<id>`. */
  key: string;
  /** For messages: `the log of worker w1`. */
  subject: string;
  args: readonly string[];
  /** What each of its lines must be (else AGENT_OUTDATED for every reader). */
  schema: z.ZodType<L>;
  backlog: () => Backlog;
  /**
   * The agent line that ends its replay of what came before (not relayed): readers that join
   * earlier wait for it, so that each gets only the backlog it asked for. Absent: all is live.
   */
  liveEvent?: string;
}

export interface FollowReader<L extends AgentLine = AgentLine> {
  /** Iterate it at once: the reader leaves (and the follower may stop) when iteration ends. */
  lines(signal: AbortSignal): AsyncGenerator<L>;
}

export interface FollowOptions {
  /** How many of the backlog's lines to send first (undefined: all it keeps). */
  backlog?: number;
}

// An agent older than `liveEvent` never prints it, but prints its replay in one burst: live
// this long after its first line. (Not after the start: Node takes seconds to start on a busy host.)
const LIVE_FALLBACK_MS = 3000;
/** Lines a reader may be behind, past its backlog, before it is dropped. */
const READER_LAG_LINES = 10_000;

class Follower {
  readonly readers = new Set<ReaderQueue>();
  private readonly backlog: Backlog;
  private live: boolean;
  private readonly stop = new AbortController();
  private fallback: NodeJS.Timeout | undefined;

  constructor(
    readonly spec: FollowSpec,
    private readonly ended: () => void,
  ) {
    this.backlog = spec.backlog();
    this.live = spec.liveEvent === undefined;
    void this.pump();
  }

  add(reader: ReaderQueue): void {
    this.readers.add(reader);
    if (this.live) reader.start(this.backlog.recent(reader.wanted));
  }

  remove(reader: ReaderQueue): void {
    if (!this.readers.delete(reader) || this.readers.size > 0) return;
    // The last reader left: the agent command stops, and the slot is free at once.
    this.close();
  }

  close(): void {
    clearTimeout(this.fallback);
    this.stop.abort();
    this.ended();
  }

  private async pump(): Promise<void> {
    const { spec } = this;
    let failure: Error | undefined;
    try {
      for await (const line of agentLines(spec.runner, spec.args, spec.schema, {
        signal: this.stop.signal,
      })) {
        if (line.event === spec.liveEvent) {
          this.goLive();
          continue;
        }
        if (!this.live && !this.fallback) {
          this.fallback = setTimeout(() => this.goLive(), LIVE_FALLBACK_MS).unref();
        }
        this.backlog.push(line);
        if (this.live) for (const reader of this.readers) reader.push(line);
      }
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
    }
    clearTimeout(this.fallback);
    for (const reader of this.readers) {
      if (!reader.started) reader.start(this.backlog.recent(reader.wanted));
      reader.finish(failure);
    }
    this.ended();
  }

  private goLive(): void {
    if (this.live) return;
    this.live = true;
    clearTimeout(this.fallback);
    for (const reader of this.readers) reader.start(this.backlog.recent(reader.wanted));
  }
}

export class AgentFollowers {
  private readonly followers = new Map<string, Follower>();

  constructor(private readonly options: { perHost: number }) {}

  /** Joins the follower of `spec` (starting it if needed); TOO_MANY_FOLLOWERS past the limit. */
  join<L extends AgentLine>(spec: FollowSpec<L>, options: FollowOptions = {}): FollowReader<L> {
    const id = `${spec.runner.host}\n${spec.key}`;
    let follower = this.followers.get(id);
    if (!follower) {
      this.ensureRoom(spec.runner.host, spec.subject);
      const started: Follower = new Follower(spec, () => {
        if (this.followers.get(id) === started) this.followers.delete(id);
      });
      this.followers.set(id, started);
      follower = started;
    }
    const joined = follower;
    const reader = new ReaderQueue(
      options.backlog,
      (options.backlog ?? 0) + READER_LAG_LINES,
      `${spec.runner.host}: ${spec.subject}`,
    );
    joined.add(reader);
    // The follower of this key was started from a spec of the same kind (follows.ts): its lines
    // passed the same schema, so they are L.
    const lines = (signal: AbortSignal) =>
      reader.lines(signal, () => joined.remove(reader)) as AsyncGenerator<L>;
    return { lines };
  }

  /** Throws TOO_MANY_FOLLOWERS when `host` has no room for one more distinct follower. */
  ensureRoom(host: string, subject: string): void {
    const { perHost } = this.options;
    const following = this.following(host);
    if (following.length < perHost) return;
    throw new RbeesError(
      'TOO_MANY_FOLLOWERS',
      `${host}: cannot follow ${subject}: ${following.length} logs and downloads are already ` +
        `followed there, the most per host (RBEES_FOLLOWERS_PER_HOST=${perHost}; each holds an ` +
        "SSH channel, and sshd's MaxSessions allows 10 by default). Close a log view or wait " +
        'for a download to end, then try again.',
      { host, limit: perHost, following },
    );
  }

  /** What is followed on `host` now, by subject. */
  following(host: string): string[] {
    return [...this.followers.values()]
      .filter((f) => f.spec.runner.host === host)
      .map((f) => f.spec.subject);
  }

  close(): void {
    for (const follower of [...this.followers.values()]) follower.close();
  }
}
