/**
 * A worker that is slow to answer (a loaded computer) stays the one its model's jobs go to, as
 * this computer's workers always did: the built daemon, seen from outside. The worker is frozen
 * with SIGSTOP, so that its host's agent finds it alive but silent (`unresponsive`) when the
 * daemon lists it; once it runs again, the next job is served by the same worker, not by a second
 * one started beside it.
 */
import { describe, expect, it } from 'vitest';
import { ensureTestModels } from '../../../../scripts/test-models';
import { startDaemonProcess } from '../../../../scripts/testing/daemon-process';
import { API } from '../../../shared/api';
import { Client } from '../../../shared/sdk';

/**
 * A job for the model streams its tokens to the end. Read to the end on purpose: a reader that
 * leaves mid-stream can make the daemon's SSE write fail after the loop stopped awaiting it.
 */
async function served(client: Client, model: string): Promise<void> {
  const types: string[] = [];
  for await (const event of client.enqueueStream({ model, prompt: 'hi', max_tokens: 4 })) {
    if (event.type === 'error') throw new Error(`${model}: ${event.data.message}`);
    types.push(event.type);
  }
  expect(types).toContain('token');
  expect(types.at(-1)).toBe('end');
}

describe('a worker that answers late', () => {
  it('stays in service while its host lists it unresponsive', async () => {
    const models = await ensureTestModels();
    const daemon = await startDaemonProcess({
      models: [{ path: models.script, as: 'script.gguf' }],
    });
    const client = new Client(daemon.url, { token: daemon.token });
    let frozen: number | null = null;
    try {
      await served(client, 'script');
      const [worker, ...others] = await client.workers();
      expect(others).toEqual([]);
      // Never kill(-1, …): that signals every process this user may signal.
      const pid = worker?.pid;
      if (!pid || pid <= 1) throw new Error(`no worker: ${JSON.stringify(worker)}`);
      process.kill(pid, 'SIGSTOP');
      frozen = pid;
      // A model nobody has makes the daemon list every host's workers again before it answers
      // 404: this computer's agent finds the worker alive, and its /status unanswered.
      const unknown = await daemon.call('POST', API.completions, {
        model: 'no-such-model',
        prompt: 'hi',
        max_tokens: 1,
      });
      expect(unknown.status).toBe(404);
      const listed = await daemon.call('GET', API.hostWorkers('local'));
      expect(listed.json.workers).toMatchObject([{ pid, status: 'unresponsive' }]);
      expect((await client.workers()).map((w) => [w.pid, w.state])).toEqual([[pid, 'ready']]);

      process.kill(pid, 'SIGCONT');
      frozen = null;
      await served(client, 'script');
      const after = await client.workers();
      expect(after.map((w) => [w.pid, w.state, w.restarts])).toEqual([[pid, 'ready', 0]]);
    } finally {
      if (frozen !== null) process.kill(frozen, 'SIGCONT');
      await daemon.stop();
    }
  });
});
