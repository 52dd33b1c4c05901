import { isErrorCode, RbeesError, type ErrorResponse } from '../../shared/errors';
import type { ExecuteRequest, InferenceEvent } from '../../shared/inference';
import { decodeInferenceEvents } from '../../shared/sse';

/**
 * Runs one job on a worker: `POST /execute` and its SSE events as they arrive. Aborting the signal
 * closes the connection, which the worker takes as a cancel and frees the slot.
 */
export async function* executeOnWorker(
  baseUrl: string,
  request: ExecuteRequest,
  signal: AbortSignal,
): AsyncGenerator<InferenceEvent> {
  const response = await fetch(`${baseUrl}/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(request),
    signal,
  });
  if (!response.ok || !response.body) {
    const text = await response.text();
    let body: Partial<ErrorResponse> = {};
    try {
      body = JSON.parse(text) as ErrorResponse;
    } catch {
      // Not our error shape: report the status below.
    }
    const code = isErrorCode(body.error?.code) ? body.error.code : 'INFERENCE_FAILED';
    throw new RbeesError(
      code,
      body.error?.message ?? `The worker answered HTTP ${response.status}.`,
    );
  }
  yield* decodeInferenceEvents(response.body);
}
