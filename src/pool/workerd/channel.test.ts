import { describe, expect, it } from 'vitest';
import { Channel } from './channel';

describe('Channel', () => {
  it('delivers items pushed before and while the reader waits, then ends on close', async () => {
    const channel = new Channel<number>();
    channel.push(1);
    const read = (async () => {
      const seen: number[] = [];
      for await (const item of channel) seen.push(item);
      return seen;
    })();
    await Promise.resolve();
    channel.push(2);
    setTimeout(() => {
      channel.push(3);
      channel.close();
      channel.push(4); // after close: dropped
    }, 5);
    expect(await read).toEqual([1, 2, 3]);
  });
});
