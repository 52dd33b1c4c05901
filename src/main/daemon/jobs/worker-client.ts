import { request, type IncomingMessage } from 'node:http';
import { isErrorCode, RbeesError, type ErrorResponse } from '../../../shared/errors';
import { WORKER_ROUTES, type ExecuteRequest, type InferenceEvent } from '../../../shared/inference';
import { decodeInferenceEvents } from '../../../shared/sse';
import { bearer } from '../../../shared/worker-auth';
import type { WorkerTarget } from '../cluster/cluster-workers';

/**
 * Runs one job on a worker: `POST /execute` and its SSE events as they arrive. Aborting the signal
 * closes the connection, which the worker takes as a cancel and frees the slot. A pool host's
 * worker is reached the same way, its connection being a channel of the host's SSH session.
 *
 * node:http rather than fetch: this is the daemon's per-token path, and undici's web streams cost
 * several times more CPU per chunk than a plain socket stream (measured with `npm run bench`).
 */
export async function* executeOnWorker(
  target: WorkerTarget,
  body: ExecuteRequest,
  signal: AbortSignal,
): AsyncGenerator<InferenceEvent> {
  const response = await post(target, JSON.stringify(body), signal);
  if (response.statusCode !== 200) throw await workerError(response);
  yield* decodeInferenceEvents(response);
}

function post(
  target: WorkerTarget,
  payload: string,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(`${target.baseUrl}${WORKER_ROUTES.execute}`, {
      method: 'POST',
      signal,
      ...(target.agent ? { agent: target.agent } : {}),
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        accept: 'text/event-stream',
        authorization: bearer(target.secret),
      },
    });
    req.once('response', resolve).once('error', reject);
    req.setNoDelay(true);
    req.end(payload);
  });
}

async function workerError(response: IncomingMessage): Promise<RbeesError> {
  let text = '';
  for await (const chunk of response) text += String(chunk);
  let body: Partial<ErrorResponse> = {};
  try {
    body = JSON.parse(text) as ErrorResponse;
  } catch {
    // Not our error shape: report the status below.
  }
  const code = isErrorCode(body.error?.code) ? body.error.code : 'INFERENCE_FAILED';
  return new RbeesError(
    code,
    body.error?.message ?? `The worker answered HTTP ${response.statusCode}.`,
  );
}
