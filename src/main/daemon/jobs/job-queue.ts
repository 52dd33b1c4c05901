import { RbeesError } from '../../../shared/errors';
import type { JobPriority } from '../../../shared/inference';

/** What the queue needs of a waiting job. */
export interface Queueable {
  readonly id: string;
  readonly priority: JobPriority;
}

export interface JobQueueOptions<T> {
  /**
   * Most jobs waiting at once (RBEES_QUEUE_CAPACITY): a new job past it is refused with
   * QUEUE_FULL. A retried job (requeue) goes back even past it, so the queue may exceed it by at
   * most the number of worker slots.
   */
  capacity: number;
  /** Seconds a refused client should wait before trying again (sent as `Retry-After`). */
  retryAfterS: () => number;
  /** A waiting job's position changed (see publishPositions). */
  onPosition?: (item: T, position: number) => void;
}

/**
 * The jobs waiting for a worker slot: `interactive` ahead of `batch`, FIFO within each, bounded.
 * Pure (no timers, no I/O) so that it can be property-tested on its own.
 *
 * Positions count from 0 (next to run). Mutations do not announce positions: the caller calls
 * publishPositions() once after a burst of them (a dispatch round takes many jobs off the front),
 * and each waiting job hears about its position only when it differs from what it was last told.
 */
export class JobQueue<T extends Queueable> {
  private readonly lanes: Record<JobPriority, T[]> = { interactive: [], batch: [] };
  /** The position each waiting job was last told. */
  private readonly told = new Map<T, number>();
  /** Whether a job may have moved since the last publishPositions (a batch push moves nobody). */
  private moved = false;

  constructor(private readonly options: JobQueueOptions<T>) {}

  get size(): number {
    return this.lanes.interactive.length + this.lanes.batch.length;
  }

  get capacity(): number {
    return this.options.capacity;
  }

  /** Adds a new job at the back of its lane; returns its position, which it counts as told. */
  push(item: T): number {
    if (this.size >= this.options.capacity) {
      const retryAfterS = this.options.retryAfterS();
      throw new RbeesError(
        'QUEUE_FULL',
        `The queue is full (${this.options.capacity} jobs waiting). Try again in ` +
          `${retryAfterS} s, or raise RBEES_QUEUE_CAPACITY when starting rbees-orcd.`,
        { capacity: this.options.capacity, retry_after_s: retryAfterS },
      );
    }
    this.lanes[item.priority].push(item);
    if (item.priority === 'interactive' && this.lanes.batch.length > 0) this.moved = true;
    const position = this.position(item);
    this.told.set(item, position);
    return position;
  }

  /**
   * Puts a job that was taken but could not start back at the front of its lane. Capacity is not
   * checked: the job was already admitted, and refusing it now would lose it.
   */
  requeue(item: T): void {
    // Not counted as told: the next publishPositions() tells it where it waits again.
    this.lanes[item.priority].unshift(item);
    this.moved = true;
  }

  /** Takes a job out (dispatched or cancelled); false when it was not waiting. */
  remove(item: T): boolean {
    const lane = this.lanes[item.priority];
    const at = lane.indexOf(item);
    if (at < 0) return false;
    lane.splice(at, 1);
    this.told.delete(item);
    this.moved = true;
    return true;
  }

  /** The job's position, or -1 when it is not waiting. */
  position(item: T): number {
    const at = this.lanes[item.priority].indexOf(item);
    if (at < 0) return -1;
    return item.priority === 'batch' ? this.lanes.interactive.length + at : at;
  }

  /** Waiting jobs in the order they will be dispatched. */
  items(): T[] {
    return [...this.lanes.interactive, ...this.lanes.batch];
  }

  /** Tells each waiting job whose position changed since it was last told; returns how many. */
  publishPositions(): number {
    if (!this.moved) return 0;
    this.moved = false;
    let told = 0;
    this.items().forEach((item, position) => {
      if (this.told.get(item) === position) return;
      this.told.set(item, position);
      this.options.onPosition?.(item, position);
      told += 1;
    });
    return told;
  }
}
