import { describe, expect, it } from 'vitest';
import type { ReplyStats } from './chat-types';
import type { Scheduler } from '../ui/frame-scheduler';
import { FrameBatcher } from './frame-batcher';

function manualScheduler() {
  const queue: (() => void)[] = [];
  const schedule: Scheduler = (run) => {
    queue.push(run);
    return () => queue.splice(queue.indexOf(run), 1);
  };
  return { schedule, frame: () => queue.splice(0).forEach((run) => run()), queue };
}

describe('FrameBatcher', () => {
  it('applies everything that arrived within a frame as one update', () => {
    const applied: [string, ReplyStats | undefined][] = [];
    const frames = manualScheduler();
    const batcher = new FrameBatcher((text, stats) => applied.push([text, stats]), frames.schedule);
    for (let i = 0; i < 2000; i++) batcher.push(`t${i} `);
    batcher.patch({ tokens_per_sec: 1 });
    batcher.patch({ tokens_out: 2000 });
    expect(frames.queue).toHaveLength(1);
    expect(applied).toHaveLength(0);
    frames.frame();
    expect(applied).toHaveLength(1);
    expect(applied[0]?.[0].startsWith('t0 t1 ')).toBe(true);
    expect(applied[0]?.[1]).toEqual({ tokens_per_sec: 1, tokens_out: 2000 });
  });

  it('flushes at once and cancels the pending frame', () => {
    const applied: string[] = [];
    const frames = manualScheduler();
    const batcher = new FrameBatcher((text) => applied.push(text), frames.schedule);
    batcher.push('a');
    batcher.flush();
    expect(applied).toEqual(['a']);
    expect(frames.queue).toHaveLength(0);
    batcher.flush();
    expect(applied).toEqual(['a']);
  });

  it('drops pending text on dispose', () => {
    const applied: string[] = [];
    const frames = manualScheduler();
    const batcher = new FrameBatcher((text) => applied.push(text), frames.schedule);
    batcher.push('a');
    batcher.dispose();
    frames.frame();
    expect(applied).toEqual([]);
  });
});
