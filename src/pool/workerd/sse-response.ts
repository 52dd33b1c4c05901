import type { ServerResponse } from 'node:http';
import type { InferenceEvent } from '../../shared/inference';
import { encodeEvent } from '../../shared/sse';
import { streamSse } from '../../node/http/sse-stream';

/**
 * Writes inference events as Server-Sent Events on a raw (hijacked) response (see streamSse).
 * Reads the events to their end even after the client is gone: the generation is aborted through
 * `onClientGone`, and its last events are simply dropped. Returns the last event (the terminal
 * one), for the job's log line.
 */
export async function writeSse(
  res: ServerResponse,
  events: AsyncIterable<InferenceEvent>,
  onClientGone: () => void,
): Promise<InferenceEvent | undefined> {
  let last: InferenceEvent | undefined;
  await streamSse(
    res,
    (signal) => {
      signal.addEventListener('abort', onClientGone, { once: true });
      return events;
    },
    (event) => {
      last = event;
      return encodeEvent(event);
    },
    { headers: { 'cache-control': 'no-cache' }, afterClientGone: 'drain' },
  );
  return last;
}
