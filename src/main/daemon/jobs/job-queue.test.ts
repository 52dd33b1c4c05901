import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RbeesError } from '../../../shared/errors';
import type { JobPriority } from '../../../shared/inference';
import { JobQueue, type Queueable } from './job-queue';

interface Item extends Queueable {
  readonly n: number;
}

function queue(capacity: number) {
  const told: [string, number][] = [];
  const q = new JobQueue<Item>({
    capacity,
    retryAfterS: () => 7,
    onPosition: (item, position) => told.push([item.id, position]),
  });
  return { q, told };
}

const item = (n: number, priority: JobPriority): Item => ({ id: `j${n}`, n, priority });

describe('JobQueue', () => {
  it('puts interactive ahead of batch, FIFO within each', () => {
    const { q } = queue(10);
    const [b1, i1, b2, i2] = [item(1, 'batch'), item(2, 'interactive'), item(3, 'batch')].concat(
      item(4, 'interactive'),
    ) as [Item, Item, Item, Item];
    expect([q.push(b1), q.push(i1), q.push(b2), q.push(i2)]).toEqual([0, 0, 2, 1]);
    expect(q.items().map((i) => i.id)).toEqual(['j2', 'j4', 'j1', 'j3']);
    expect(q.position(b2)).toBe(3);
  });

  it('refuses past capacity with QUEUE_FULL, a Retry-After hint and the fix', () => {
    const { q } = queue(2);
    q.push(item(1, 'batch'));
    q.push(item(2, 'batch'));
    const refusal = (() => {
      try {
        q.push(item(3, 'interactive'));
      } catch (err) {
        return err;
      }
    })();
    expect(refusal).toBeInstanceOf(RbeesError);
    expect((refusal as RbeesError).code).toBe('QUEUE_FULL');
    expect((refusal as RbeesError).details).toEqual({ capacity: 2, retry_after_s: 7 });
    expect((refusal as RbeesError).message).toBe(
      'The queue is full (2 jobs waiting). Try again in 7 s, or raise RBEES_QUEUE_CAPACITY when starting rbees-orcd.',
    );
    expect(q.size).toBe(2);
  });

  it('tells a waiting job its new position once, and only when it changed', () => {
    const { q, told } = queue(10);
    const [a, b, c] = [item(1, 'batch'), item(2, 'batch'), item(3, 'batch')];
    [a, b, c].forEach((x) => q.push(x));
    expect(q.publishPositions()).toBe(0); // push already counted its position as told
    q.push(item(4, 'interactive')); // a, b and c each move back one
    q.publishPositions();
    expect(told).toEqual([
      ['j1', 1],
      ['j2', 2],
      ['j3', 3],
    ]);
    told.length = 0;
    q.remove(b);
    q.remove(a);
    q.publishPositions(); // c moved twice, told once
    expect(told).toEqual([['j3', 1]]);
    told.length = 0;
    q.publishPositions();
    expect(told).toEqual([]);
  });

  it('keeps its promises under any sequence of push, remove, requeue and publish', () => {
    const ops = fc.array(
      fc.oneof(
        fc.record({
          op: fc.constant('push' as const),
          priority: fc.constantFrom<JobPriority>('interactive', 'batch'),
        }),
        fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }),
        fc.record({ op: fc.constant('requeue' as const), pick: fc.nat() }),
        fc.record({ op: fc.constant('publish' as const) }),
      ),
      { maxLength: 80 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), ops, (capacity, sequence) => {
        const { q, told } = queue(capacity);
        const lastTold = new Map<string, number>();
        const removed: Item[] = [];
        let n = 0;
        for (const step of sequence) {
          if (step.op === 'push') {
            const x = item(n++, step.priority);
            const full = q.size >= capacity;
            try {
              lastTold.set(x.id, q.push(x));
              expect(full).toBe(false);
            } catch (err) {
              expect(full).toBe(true);
              expect((err as RbeesError).code).toBe('QUEUE_FULL');
            }
          } else if (step.op === 'remove') {
            const x = q.items()[step.pick % Math.max(1, q.size)];
            if (x) expect(q.remove(x)).toBe(true);
            if (x) expect(q.remove(x)).toBe(false); // idempotent
            if (x) removed.push(x);
          } else if (step.op === 'requeue') {
            const x = removed.splice(step.pick % Math.max(1, removed.length), 1)[0];
            if (x) q.requeue(x);
            if (x) lastTold.delete(x.id);
          } else {
            const before = told.length;
            const expected = q.items().filter((x, at) => lastTold.get(x.id) !== at).length;
            expect(q.publishPositions()).toBe(expected);
            for (const [id, position] of told.slice(before)) lastTold.set(id, position);
            // Everyone waiting now knows exactly where they are.
            q.items().forEach((x, at) => expect(lastTold.get(x.id)).toBe(at));
          }
          const order = q.items();
          // Interactive never behind batch; positions are the order; a job waits once.
          const firstBatch = order.findIndex((x) => x.priority === 'batch');
          if (firstBatch >= 0)
            expect(order.slice(firstBatch).every((x) => x.priority === 'batch')).toBe(true);
          order.forEach((x, at) => expect(q.position(x)).toBe(at));
          expect(new Set(order).size).toBe(order.length);
          expect(q.size).toBe(order.length);
        }
      }),
      { numRuns: 500 },
    );
  });
});
