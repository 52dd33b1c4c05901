import { request } from 'node:http';
import type { WorkersResponse } from '../../src/shared/api';
import type { TaskAccepted } from '../../src/shared/inference';
import { decodeInferenceEvents } from '../../src/shared/sse';
import { startDaemonProcess } from '../testing/daemon-process';
import { agent, loadAverage, send, stream } from './http-client';
import { printTargets, rowOf } from './targets';

const RUNS = 20;
const CANCEL_MS = 100;

/**
 * Cancellation (issue 5: a queued or running job cancelled within 100 ms, its slot freed). A
 * running job of the slow script model is cancelled right after its first token, RUNS times each
 * way: `DELETE /v2/tasks/{id}` (until the client reads the `error` CANCELLED event), and the
 * client going away (until GET /api/workers shows the slot free; polled every 2 ms, so that
 * measure is up to 2 ms late).
 */
export async function benchCancel(modelPath: string): Promise<void> {
  const daemon = await startDaemonProcess({ models: [{ path: modelPath, as: 'slow.gguf' }] });
  const headers = { authorization: `Bearer ${daemon.token}` };
  const submit = async (): Promise<TaskAccepted> => {
    const body = { model: 'slow', prompt: 'Count.', max_tokens: 2000 };
    const answer = await send(`${daemon.url}/v2/tasks`, 'POST', headers, body);
    if (answer.status !== 202) throw new Error(`POST /v2/tasks: ${answer.status} ${answer.body}`);
    return JSON.parse(answer.body) as TaskAccepted;
  };
  const slotFree = async (): Promise<void> => {
    for (;;) {
      const answer = await send(`${daemon.url}/api/workers`, 'GET', headers);
      const { workers } = JSON.parse(answer.body) as WorkersResponse;
      if (workers.every((w) => w.slots_busy === 0)) return;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };
  const byDelete: number[] = [];
  const byLeaving: number[] = [];
  const loadBefore = loadAverage();
  try {
    await send(`${daemon.url}/v2/tasks`, 'POST', headers, {
      model: 'slow',
      prompt: 'Hi',
      max_tokens: 2,
    });
    for (let i = 0; i <= RUNS; i++) {
      // DELETE: from the request sent to the terminal event read.
      const job = await submit();
      let sentAt = 0;
      await stream(`${daemon.url}${job.events_url}`, 'GET', headers, undefined, (event, at) => {
        if (event.type === 'token' && sentAt === 0) {
          sentAt = performance.now();
          void send(`${daemon.url}/v2/tasks/${job.job_id}`, 'DELETE', headers);
        }
        if (event.type === 'error' && event.data.code === 'CANCELLED' && i > 0) {
          byDelete.push(at - sentAt);
        }
      });
      await slotFree();
      // Leaving: from the connection closed to the slot free again.
      const left = await leaveAfterFirstToken(
        `${daemon.url}${(await submit()).events_url}`,
        headers,
      );
      await slotFree();
      if (i > 0) byLeaving.push(performance.now() - left);
    }
  } finally {
    await daemon.stop();
  }
  printTargets(
    `cancellation of a running job, ${RUNS} each (load ${loadBefore} → ${loadAverage()})`,
    [
      rowOf('DELETE /v2/tasks/{id} → CANCELLED event read', byDelete, 'ms', CANCEL_MS),
      rowOf('client disconnects → slot free (GET /api/workers)', byLeaving, 'ms', CANCEL_MS),
    ],
  );
}

/** Follows a job's events and drops the connection at its first token; resolves with that time. */
function leaveAfterFirstToken(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { ...headers, accept: 'text/event-stream' } });
    req.once('error', () => undefined); // the destroy below
    req.once('response', (res) => {
      void (async () => {
        for await (const event of decodeInferenceEvents(res)) {
          if (event.type !== 'token') continue;
          const at = performance.now();
          req.destroy();
          return at;
        }
        throw new Error('the job ended before its first token');
      })().then(resolve, reject);
    });
    req.end();
  });
}
