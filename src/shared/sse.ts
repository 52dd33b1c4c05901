import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { EventPayloads, EventType, InferenceEvent } from './inference';

/** One Server-Sent Event on the wire. */
export interface SseMessage {
  event?: string;
  data: string;
  id?: string;
}

/** Encodes one event; `data` must be single-line (JSON is). */
export function encodeSse(message: SseMessage): string {
  let out = '';
  if (message.id !== undefined) out += `id: ${message.id}\n`;
  if (message.event !== undefined) out += `event: ${message.event}\n`;
  return `${out}data: ${message.data}\n\n`;
}

export function encodeEvent(event: InferenceEvent): string {
  return encodeSse({ event: event.type, data: JSON.stringify(event.data), id: event.id });
}

/** A comment line: keeps proxies and idle timers from closing a quiet stream. */
export const SSE_KEEPALIVE = ': keepalive\n\n';

/**
 * Decodes a byte stream into SSE messages as they arrive. One streaming UTF-8 decoder per stream,
 * so a character split across chunks is never mangled; eventsource-parser handles split lines,
 * comments, `id:` and `retry:`.
 */
export async function* decodeSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder('utf-8');
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => pending.push(message) });
  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    yield* drain(pending);
  }
  parser.feed(decoder.decode());
  yield* drain(pending);
}

function* drain(pending: EventSourceMessage[]): Generator<SseMessage> {
  for (const message of pending.splice(0)) {
    yield { event: message.event, data: message.data, id: message.id };
  }
}

const EVENT_TYPES: ReadonlySet<string> = new Set<EventType>([
  'queued',
  'started',
  'token',
  'metrics',
  'end',
  'error',
]);

/** Turns SSE messages into typed inference events, skipping event types this build does not know. */
export async function* decodeInferenceEvents(
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<InferenceEvent> {
  for await (const message of decodeSse(body)) {
    const type = message.event ?? 'message';
    if (!EVENT_TYPES.has(type)) continue;
    const data = JSON.parse(message.data) as EventPayloads[EventType];
    yield { type, data, id: message.id } as InferenceEvent;
  }
}

/**
 * A fetch body as an async iterable. Node's web streams are iterable already; browsers' may not
 * be, so read it by hand there. Cancelling the reader when the consumer stops releases the socket.
 */
export async function* iterateBody(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
