/**
 * Readers that leave an event stream mid-reply (a closed chat, a client that got what it needed)
 * never take the daemon down: the built daemon, seen from outside. Before, the wait for the
 * socket to drain rejected when the socket failed or closed while nobody awaited it, an unhandled
 * rejection that ended the process, here within 150 such readers every time.
 */
import { describe, expect, it } from 'vitest';
import { ensureTestModels } from '../../../../scripts/test-models';
import { startDaemonProcess } from '../../../../scripts/testing/daemon-process';
import { Client } from '../../../shared/sdk';

const READERS = 150;

describe('a reader that leaves an event stream', () => {
  it('leaves the daemon serving', async () => {
    const models = await ensureTestModels();
    const daemon = await startDaemonProcess({
      models: [{ path: models.scriptLong, as: 'long.gguf' }],
    });
    let exited: string | null = null;
    daemon.child.once('exit', (code, signal) => (exited = `exit ${code} ${signal}`));
    const client = new Client(daemon.url, { token: daemon.token });
    try {
      for (let i = 0; i < READERS && exited === null; i += 1) {
        const request = { model: 'long', prompt: 'x', max_tokens: 300 };
        // Gone after 1 to 5 tokens, while the worker keeps making them.
        for await (const event of client.enqueueStream(request)) {
          if (event.type === 'token' && event.data.i >= i % 5) break;
        }
      }
      expect(exited).toBeNull();
      const types: string[] = [];
      for await (const event of client.enqueueStream({ model: 'long', prompt: 'x', max_tokens: 4 }))
        types.push(event.type);
      expect(types.at(-1)).toBe('end');
    } finally {
      await daemon.stop();
    }
  });
});
