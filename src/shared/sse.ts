import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { RbeesError } from './errors';
import type { EventPayloads, EventType, InferenceEvent } from './inference';

/** One Server-Sent Event on the wire. */
export interface SseMessage {
  event?: string;
  data: string;
  id?: string;
}

const LINE_BREAKS = /\r\n|\r|\n/;

/**
 * Encodes one event. `data` may hold line breaks: each line goes out as its own `data:` line and
 * the reader joins them with "\n" (SSE cannot carry a CR: "\r\n" and "\r" arrive as "\n").
 * `event` and `id` are one line each by the protocol; a break there would let whoever chose the
 * name (an agent's line names its event) start fields or events of their own, so it throws.
 */
export function encodeSse(message: SseMessage): string {
  let out = '';
  if (message.id !== undefined) out += `id: ${oneLine('id', message.id)}\n`;
  if (message.event !== undefined) out += `event: ${oneLine('event', message.event)}\n`;
  for (const line of message.data.split(LINE_BREAKS)) out += `data: ${line}\n`;
  return `${out}\n`;
}

function oneLine(field: 'id' | 'event', value: string): string {
  // Readers also ignore an id that holds NUL.
  if (/[\r\n]/.test(value) || (field === 'id' && value.includes('\0'))) {
    const shown = JSON.stringify(value.slice(0, 80));
    throw new RbeesError('INTERNAL', `SSE ${field} ${shown} cannot be sent: one line, no NUL`);
  }
  return value;
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
  'tool_call',
  'embedding',
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
    const data = payloadOf(type, message.data);
    yield { type, data, id: message.id } as InferenceEvent;
  }
}

/** An event's data is a JSON object; anything else is a broken stream, said with a code. */
function payloadOf(type: string, data: string): EventPayloads[EventType] {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RbeesError(
      'INFERENCE_FAILED',
      `The inference stream sent a "${type}" event whose data is not a JSON object: ` +
        JSON.stringify(data.slice(0, 80)),
    );
  }
  return value as EventPayloads[EventType];
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
