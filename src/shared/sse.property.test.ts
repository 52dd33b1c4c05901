import fc from 'fast-check';
import { assert, describe, expect, it } from 'vitest';
import { isErrorCode, RbeesError } from './errors';
import { decodeInferenceEvents, decodeSse, encodeSse, type SseMessage } from './sse';

/**
 * The SSE codec under generated messages and generated splits: whatever the text and wherever a
 * network (or an SSH channel) cuts the bytes, the reader gets the events that were sent, and
 * bytes that are no stream at all never make it throw or hang.
 */

const encoder = new TextEncoder();

/** Any text, astral characters, line breaks and SSE's own field names included. */
const text = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc
    .array(
      fc.oneof(
        fc.constantFrom('\n', '\r', '\r\n', '\n\n', ':', ' ', 'data:', 'id:', 'event:', 'retry:'),
        fc.constantFrom('é', '☕', '🐝', '\u2028', '\ufeff', '\0', '{"t":"x"}'),
        fc.string({ unit: 'binary', maxLength: 4 }),
      ),
      { maxLength: 8 },
    )
    .map((parts) => parts.join('')),
);
const oneLine = text.map((value) => value.replace(/[\r\n]/g, ''));
const message: fc.Arbitrary<SseMessage> = fc.record(
  {
    data: text,
    event: oneLine,
    id: oneLine.map((value) => value.replace(/\0/g, '')),
  },
  { requiredKeys: ['data'] },
);

/** What a reader gets: CR and CRLF arrive as LF; an empty event name is the default type. */
function received(sent: SseMessage): SseMessage {
  return {
    data: sent.data.replace(/\r\n?/g, '\n'),
    event: sent.event === '' ? undefined : sent.event,
    id: sent.id,
  };
}

/** The bytes cut at the given offsets (any offset: inside a line, a field or a character). */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(start, point)); // empty chunks too: a reader must take them
    start = point;
  }
  return chunks;
}

async function* stream(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
}

async function decodeAll(chunks: Uint8Array[]): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const m of decodeSse(stream(chunks))) out.push(m);
  return out;
}

describe('SSE codec, generated', () => {
  it('delivers every message as sent, however the bytes are cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(message, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (messages, offsets) => {
          const wire = encoder.encode(messages.map(encodeSse).join(''));
          expect(await decodeAll(cut(wire, offsets))).toEqual(messages.map(received));
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('delivers them one byte at a time too', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 3 }), async (messages) => {
        const wire = encoder.encode(messages.map(encodeSse).join(''));
        const bytes = Array.from(wire, (_, i) => wire.subarray(i, i + 1));
        expect(await decodeAll(bytes)).toEqual(messages.map(received));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses to write an event name or id that would end its line', () => {
    fc.assert(
      fc.property(
        text.filter((value) => /[\r\n]/.test(value)),
        fc.constantFrom('event' as const, 'id' as const),
        (value, field) => {
          expect(() => encodeSse({ data: '{}', [field]: value })).toThrow(RbeesError);
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('is not fooled by an event name an agent chose (regression: it started another event)', async () => {
    const wire = encodeSse({ data: 'x\ny' }) + encodeSse({ event: 'log', data: '1' });
    expect(await decodeAll([encoder.encode(wire)])).toEqual([
      { data: 'x\ny', event: undefined, id: undefined },
      { data: '1', event: 'log', id: undefined },
    ]);
    expect(() => encodeSse({ event: 'log\ndata: forged\n\nevent: end', data: '{}' })).toThrow(
      'cannot be sent',
    );
  });
});

/** Byte soup with SSE's own words in it, and bytes that are no UTF-8 at all. */
const soup = fc
  .array(
    fc.oneof(
      fc.uint8Array({ maxLength: 8 }),
      fc
        .constantFrom('data: ', 'event: token', 'event: end', 'event: error', 'id: 1', ': c')
        .map((s) => encoder.encode(s)),
      fc
        .constantFrom('\n', '\r', '\n\n', '{"t":"a","i":0}', 'null', '[1]', '{')
        .map((s) => encoder.encode(s)),
      fc.constantFrom(Uint8Array.of(0xff), Uint8Array.of(0xc3), Uint8Array.of(0xf0, 0x9f)),
    ),
    { maxLength: 16 },
  )
  .map((parts) => {
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (bytes.set(p, at), at + p.length), 0);
    return bytes;
  });

const TYPES: readonly string[] = ['queued', 'started', 'token', 'metrics', 'end', 'error'];

describe('SSE decoding of arbitrary bytes, generated', () => {
  it('never throws: the messages it reads are plain strings', async () => {
    await fc.assert(
      fc.asyncProperty(soup, fc.array(fc.nat(), { maxLength: 6 }), async (bytes, offsets) => {
        for (const m of await decodeAll(cut(bytes, offsets))) assert(typeof m.data === 'string');
      }),
      { numRuns: 10_000 },
    );
  });

  it('reads inference events with object data, or fails with a code', async () => {
    await fc.assert(
      fc.asyncProperty(soup, fc.array(fc.nat(), { maxLength: 6 }), async (bytes, offsets) => {
        try {
          for await (const event of decodeInferenceEvents(stream(cut(bytes, offsets)))) {
            assert(TYPES.includes(event.type), event.type);
            assert(typeof event.data === 'object' && event.data !== null, JSON.stringify(event));
          }
        } catch (err) {
          assert(err instanceof RbeesError && isErrorCode(err.code), String(err));
        }
      }),
      { numRuns: 10_000 },
    );
  });

  it('says which event had broken data (regression: a SyntaxError with no code)', async () => {
    const events = decodeInferenceEvents(stream([encoder.encode('event: token\ndata: {\n\n')]));
    await expect(events.next()).rejects.toThrow('"token" event whose data is not a JSON object');
  });
});
