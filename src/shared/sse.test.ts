import { describe, expect, it } from 'vitest';
import { decodeInferenceEvents, decodeSse, encodeEvent, encodeSse, type SseMessage } from './sse';

const bytes = (text: string) => new TextEncoder().encode(text);

async function* chunks(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part;
}

async function decodeAll(...parts: Uint8Array[]): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const message of decodeSse(chunks(...parts))) out.push(message);
  return out;
}

describe('SSE codec', () => {
  it('round-trips an event with id and type', async () => {
    const wire = encodeSse({ id: '7', event: 'token', data: '{"t":"hi","i":0}' });
    expect(wire).toBe('id: 7\nevent: token\ndata: {"t":"hi","i":0}\n\n');
    expect(await decodeAll(bytes(wire))).toEqual([
      { id: '7', event: 'token', data: '{"t":"hi","i":0}' },
    ]);
  });

  it('joins events split across chunks at any byte', async () => {
    const wire = bytes(encodeSse({ event: 'a', data: '1' }) + encodeSse({ event: 'b', data: '2' }));
    for (let cut = 1; cut < wire.length; cut++) {
      const messages = await decodeAll(wire.slice(0, cut), wire.slice(cut));
      expect(messages.map((message) => message.event)).toEqual(['a', 'b']);
    }
  });

  it('keeps multi-byte UTF-8 characters split across chunks intact', async () => {
    const text = 'café ☕ 🐝';
    const wire = bytes(encodeEvent({ type: 'token', data: { t: text, i: 0 } }));
    for (let cut = 1; cut < wire.length; cut++) {
      const parts = [wire.slice(0, cut), wire.slice(cut, cut + 1), wire.slice(cut + 1)];
      const [message] = await decodeAll(...parts);
      expect(JSON.parse(message?.data ?? '{}')).toEqual({ t: text, i: 0 });
    }
  });

  it('skips comments (keepalives) and unknown event types', async () => {
    const wire = `: keepalive\n\n${encodeSse({ event: 'future', data: '{}' })}${encodeSse({ event: 'end', data: '{"tokens_out":1}' })}`;
    const events = [];
    for await (const event of decodeInferenceEvents(chunks(bytes(wire)))) events.push(event);
    expect(events).toEqual([{ type: 'end', data: { tokens_out: 1 }, id: undefined }]);
  });

  it('reads a last event that has no trailing blank line only when complete', async () => {
    const messages = await decodeAll(bytes('data: x\n\ndata: y'));
    expect(messages.map((message) => message.data)).toEqual(['x']);
  });
});
